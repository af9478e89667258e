package dev.kiln.core.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * Compares a value's type with the type of its default, accepting what Typesafe Config's getters
 * convert on their own: a numeric string where a number is expected, {@code yes}/{@code no} where a
 * boolean is, a number or boolean where a string is. A null default accepts anything.
 */
final class ValueTypes {

    private static final Set<String> BOOLEAN_WORDS =
            Set.of("true", "false", "yes", "no", "on", "off");
    private static final int MAX_RENDERED = 40;

    private ValueTypes() {}

    /**
     * Checks a value against its default's type.
     *
     * @param reference the default
     * @param actual the value the user's layers produced
     * @return null if the value fits, otherwise the message, such as {@code expected a number but
     *     got string "many"}
     */
    static String mismatch(ConfigValue reference, ConfigValue actual) {
        ConfigValueType expected = reference.valueType();
        ConfigValueType got = actual.valueType();
        boolean fits;
        switch (expected) {
            case NULL:
                return null;
            case NUMBER:
                fits =
                        got == ConfigValueType.NUMBER
                                || (got == ConfigValueType.STRING && isNumeric(actual));
                break;
            case BOOLEAN:
                fits =
                        got == ConfigValueType.BOOLEAN
                                || (got == ConfigValueType.STRING && isBooleanWord(actual));
                break;
            case STRING:
                fits =
                        got == ConfigValueType.STRING
                                || got == ConfigValueType.NUMBER
                                || got == ConfigValueType.BOOLEAN;
                break;
            default:
                fits = got == expected;
        }
        return fits ? null : "expected " + article(expected) + " but got " + describe(actual);
    }

    /**
     * Describes a value for a message: its type and a short rendering.
     *
     * @param value the value
     * @return e.g. {@code string "many"}, {@code number 10.5}, {@code list [1,2]} or {@code null}
     */
    static String describe(ConfigValue value) {
        if (value.valueType() == ConfigValueType.NULL) {
            return "null";
        }
        return name(value.valueType()) + " " + render(value);
    }

    /**
     * Renders a value as it would be written, shortened if long.
     *
     * @param value the value
     * @return e.g. {@code "many"}, {@code 10.5} or {@code [1,2]}; numbers as they were written
     */
    static String render(ConfigValue value) {
        String text = value.render(ConfigRenderOptions.concise());
        return text.length() <= MAX_RENDERED ? text : text.substring(0, MAX_RENDERED - 3) + "...";
    }

    /**
     * Returns the name of a type with its article, for "expected ..." messages.
     *
     * @param type the type
     * @return e.g. {@code a number}, {@code an object}
     */
    static String article(ConfigValueType type) {
        String name = name(type);
        return (type == ConfigValueType.OBJECT ? "an " : "a ") + name;
    }

    private static String name(ConfigValueType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static boolean isNumeric(ConfigValue value) {
        return decimal(value) != null;
    }

    private static boolean isBooleanWord(ConfigValue value) {
        return BOOLEAN_WORDS.contains(((String) value.unwrapped()).trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Tells whether a value is a whole number, maybe written as a string or as {@code 100.0}.
     * (Whether a default wants one cannot be read from it: Typesafe Config stores {@code 0.0} as an
     * integer. {@link CoreRules} names the keys that do.)
     *
     * @param value a value
     * @return true for numbers and numeric strings without a fractional part
     */
    static boolean isWholeNumber(ConfigValue value) {
        BigDecimal decimal = decimal(value);
        return decimal != null && decimal.stripTrailingZeros().scale() <= 0;
    }

    private static BigDecimal decimal(ConfigValue value) {
        Object raw = value.unwrapped();
        try {
            if (raw instanceof Integer || raw instanceof Long) {
                return BigDecimal.valueOf(((Number) raw).longValue());
            }
            if (raw instanceof Number) {
                double d = ((Number) raw).doubleValue();
                return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            }
            if (raw instanceof String) {
                return new BigDecimal(((String) raw).trim());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
