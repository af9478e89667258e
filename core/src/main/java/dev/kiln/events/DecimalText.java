package dev.kiln.events;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats numbers for progress lines the way Python's format specs do ({@code .4g}, {@code .4f}),
 * without {@link String#format}, whose parsing costs more than the rest of a write when a writer
 * runs too rarely for the JIT to compile it.
 */
public final class DecimalText {

    private DecimalText() {}

    /**
     * Like Python's {@code format(v, ".{digits}g")}: {@code digits} significant digits, trailing
     * zeros dropped, scientific notation below 1e-4 and from 10^digits on.
     *
     * @param v the value
     * @param digits significant digits, at least 1
     * @return the text, for example {@code 0.1234}, {@code 0.0001848}, {@code 1.235e+05}
     */
    public static String significant(double v, int digits) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent >= -4 && exponent < digits) {
            return rounded.stripTrailingZeros().toPlainString();
        }
        String unscaled = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
        StringBuilder out = new StringBuilder(12);
        if (v < 0) {
            out.append('-');
        }
        out.append(unscaled.charAt(0));
        if (unscaled.length() > 1) {
            out.append('.').append(unscaled, 1, unscaled.length());
        }
        out.append(exponent < 0 ? "e-" : "e+");
        int abs = Math.abs(exponent);
        if (abs < 10) {
            out.append('0');
        }
        return out.append(abs).toString();
    }

    /**
     * Like Python's {@code format(v, ".{places}f")}.
     *
     * @param v the value
     * @param places digits after the point
     * @return the text, for example {@code 0.0011}
     */
    public static String fixed(double v, int places) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(v).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
    }
}
