package dev.kiln.optim;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings that apply to the parameters whose names match a regular expression ({@code
 * kiln.solver.param-groups}): a factor on the scheduled learning rate and, optionally, a weight
 * decay of their own. Given to a {@link StatefulOptimizer} with {@link
 * StatefulOptimizer#setParameterGroups}; the first group whose pattern matches a parameter's
 * whole name applies to it, and a parameter no group matches keeps the optimizer's defaults.
 *
 * @param match the pattern, matched against the whole parameter name (as {@link
 *     java.util.regex.Matcher#matches()} does), such as {@code .*output_.*}
 * @param lrFactor the factor on the learning rate, at least 0
 * @param weightDecay the weight decay for these parameters, at least 0, or null for the
 *     optimizer's; when set it applies to every matched parameter, biases and 1-d ones included
 */
public record ParameterGroup(Pattern match, float lrFactor, Float weightDecay) {

    /** Checks the values. */
    public ParameterGroup {
        Objects.requireNonNull(match, "match");
        if (!(lrFactor >= 0f) || Float.isInfinite(lrFactor)) {
            throw new IllegalArgumentException("lr-factor must be at least 0, got " + lrFactor);
        }
        if (weightDecay != null && (!(weightDecay >= 0f) || weightDecay.isInfinite())) {
            throw new IllegalArgumentException(
                    "weight-decay must be at least 0, got " + weightDecay);
        }
    }

    /**
     * @param name a parameter's name
     * @return whether this group's pattern matches the whole name
     */
    public boolean matches(String name) {
        return match.matcher(name).matches();
    }

    /**
     * @param groups groups in order
     * @param name a parameter's name
     * @return the first group matching {@code name}, or null
     */
    public static ParameterGroup first(List<ParameterGroup> groups, String name) {
        for (ParameterGroup group : groups) {
            if (group.matches(name)) {
                return group;
            }
        }
        return null;
    }
}
