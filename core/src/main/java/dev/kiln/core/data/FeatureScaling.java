package dev.kiln.core.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How feature columns are rescaled, with statistics taken from the training rows only. */
public enum FeatureScaling {
    /** Features are used as they are. */
    NONE("none"),
    /** Each column gets mean 0 and standard deviation 1 (constant columns are only centred). */
    STANDARDIZE("standardize"),
    /** Each column is mapped so its minimum is 0 and its maximum 1 (constant columns become 0). */
    MIN_MAX("min-max");

    private final String configName;

    FeatureScaling(String configName) {
        this.configName = configName;
    }

    /**
     * Returns the name used in configuration files.
     *
     * @return {@code none}, {@code standardize} or {@code min-max}
     */
    public String configName() {
        return configName;
    }

    /**
     * Finds a scaling by its configuration name, ignoring case.
     *
     * @param name {@code none}, {@code standardize} or {@code min-max}
     * @return the scaling
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static FeatureScaling fromName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (FeatureScaling scaling : values()) {
            if (scaling.configName.equals(wanted)) {
                return scaling;
            }
        }
        throw new IllegalArgumentException(
                "unknown feature scaling \""
                        + name
                        + "\"; valid: "
                        + Arrays.stream(values())
                                .map(FeatureScaling::configName)
                                .collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
