package dev.kiln.core.events;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats numbers for progress lines the way Python's format specs do ({@code .4g}, {@code .4f}).
 *
 * <p>A writer runs too rarely for the JIT to compile it, so what it calls runs interpreted, where
 * {@link String#format} and even {@link BigDecimal} cost more than the rest of a write. These
 * methods round with a few double and long operations instead; only where the double arithmetic
 * could round differently from the exact decimal value (a near tie, or more digits than a double
 * holds) do they fall back to {@link BigDecimal}, so the text is always that of exact rounding,
 * half to even.
 */
public final class DecimalText {

    /** The most digits the fast path rounds to: their scaled values stay exact in a long. */
    private static final int FAST_DIGITS = 15;

    /** How close to a tie, relative to the scaled value, sends rounding to the exact path. */
    private static final double TIE_MARGIN = 1e-12;

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

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
            return nonFinite(v);
        }
        if (v == 0) {
            return "0";
        }
        if (digits <= FAST_DIGITS) {
            double magnitude = Math.abs(v);
            int exponent = (int) Math.floor(Math.log10(magnitude));
            // log10 may be off by one next to a power of ten: settle on the scaled value's range.
            double scaled = scale(magnitude, digits - 1 - exponent);
            if (scaled >= POWERS_OF_TEN[digits]) {
                exponent++;
                scaled = scale(magnitude, digits - 1 - exponent);
            } else if (scaled < POWERS_OF_TEN[digits - 1]) {
                exponent--;
                scaled = scale(magnitude, digits - 1 - exponent);
            }
            if (!Double.isNaN(scaled) && !nearTie(scaled)) {
                long rounded = (long) Math.rint(scaled);
                if (rounded == (long) POWERS_OF_TEN[digits]) {
                    rounded /= 10;
                    exponent++;
                }
                return layout(v < 0, rounded, digits, exponent);
            }
        }
        return exactSignificant(v, digits);
    }

    /**
     * Like Python's {@code format(v, ".{places}f")}, except that a value that rounds to zero has
     * no minus sign.
     *
     * @param v the value
     * @param places digits after the point
     * @return the text, for example {@code 0.0011}
     */
    public static String fixed(double v, int places) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        if (places <= FAST_DIGITS) {
            double scaled = Math.abs(v) * POWERS_OF_TEN[places];
            if (scaled < POWERS_OF_TEN[FAST_DIGITS] && !nearTie(scaled)) {
                long rounded = (long) Math.rint(scaled);
                StringBuilder out = new StringBuilder(places + 8);
                if (v < 0 && rounded != 0) {
                    out.append('-');
                }
                long unit = (long) POWERS_OF_TEN[places];
                out.append(rounded / unit);
                if (places > 0) {
                    out.append('.');
                    appendPadded(out, rounded % unit, places);
                }
                return out.toString();
            }
        }
        return exactFixed(v, places);
    }

    /** {@link #significant} by exact decimal arithmetic. */
    static String exactSignificant(double v, int digits) {
        BigDecimal rounded =
                new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent >= -4 && exponent < digits) {
            return rounded.stripTrailingZeros().toPlainString();
        }
        String unscaled = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
        StringBuilder out = new StringBuilder(unscaled.length() + 8);
        if (v < 0) {
            out.append('-');
        }
        out.append(unscaled.charAt(0));
        if (unscaled.length() > 1) {
            out.append('.').append(unscaled, 1, unscaled.length());
        }
        return appendExponent(out, exponent).toString();
    }

    /** {@link #fixed} by exact decimal arithmetic. */
    static String exactFixed(double v, int places) {
        return new BigDecimal(v).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * Lays out {@code digits} significant digits (the value {@code rounded}, which has exactly that
     * many) with the decimal exponent of the first, plainly or in scientific notation, without
     * trailing zeros.
     */
    private static String layout(boolean negative, long rounded, int digits, int exponent) {
        int kept = digits;
        while (kept > 1 && rounded % 10 == 0) {
            rounded /= 10;
            kept--;
        }
        StringBuilder out = new StringBuilder(digits + 8);
        if (negative) {
            out.append('-');
        }
        if (exponent >= -4 && exponent < digits) {
            if (exponent < 0) {
                out.append("0.");
                for (int i = -1; i > exponent; i--) {
                    out.append('0');
                }
                out.append(rounded);
            } else if (kept <= exponent + 1) {
                out.append(rounded);
                for (int i = kept; i <= exponent; i++) {
                    out.append('0');
                }
            } else {
                long unit = (long) POWERS_OF_TEN[kept - exponent - 1];
                out.append(rounded / unit).append('.');
                appendPadded(out, rounded % unit, kept - exponent - 1);
            }
            return out.toString();
        }
        long unit = (long) POWERS_OF_TEN[kept - 1];
        out.append(rounded / unit);
        if (kept > 1) {
            out.append('.');
            appendPadded(out, rounded % unit, kept - 1);
        }
        return appendExponent(out, exponent).toString();
    }

    private static StringBuilder appendExponent(StringBuilder out, int exponent) {
        out.append(exponent < 0 ? "e-" : "e+");
        int abs = Math.abs(exponent);
        if (abs < 10) {
            out.append('0');
        }
        return out.append(abs);
    }

    /** Appends {@code value} with leading zeros to {@code width} digits. */
    private static void appendPadded(StringBuilder out, long value, int width) {
        for (long unit = (long) POWERS_OF_TEN[width - 1]; unit > 1 && value < unit; unit /= 10) {
            out.append('0');
        }
        out.append(value);
    }

    /**
     * Returns {@code magnitude} times 10^power, correctly rounded where the power of ten is exact
     * as a double, or NaN where it is not (the caller then takes the exact path).
     */
    private static double scale(double magnitude, int power) {
        if (power >= 0) {
            return power < POWERS_OF_TEN.length ? magnitude * POWERS_OF_TEN[power] : Double.NaN;
        }
        return -power < POWERS_OF_TEN.length ? magnitude / POWERS_OF_TEN[-power] : Double.NaN;
    }

    /**
     * Tells whether a scaled value is so close to halfway between two integers that the double
     * arithmetic that made it might round to the other side than its exact decimal value does.
     */
    private static boolean nearTie(double scaled) {
        double fraction = scaled - Math.floor(scaled);
        return Math.abs(fraction - 0.5) <= TIE_MARGIN * Math.max(1, scaled);
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
}
