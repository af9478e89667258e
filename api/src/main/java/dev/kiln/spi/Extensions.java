package dev.kiln.spi;

import java.util.Set;

/**
 * The extensions installed for a run, for an extension that creates others by name: a composite
 * schedule its children, an evaluation hook its evaluators. Ask for it in a constructor; each extension
 * it creates gets its own settings and injections, as if the config had selected it directly.
 *
 * <pre>{@code
 * @Inject
 * public MyHook(Config section, Extensions extensions) {
 *     EvaluatorProvider provider =
 *             extensions.create(ExtensionPoints.EVALUATOR, section.getString("evaluator"));
 * }
 * }</pre>
 */
public interface Extensions {

    /**
     * @param point a kind of extension, such as {@link ExtensionPoints#SCHEDULE}
     * @return the names of the installed extensions of that kind, sorted
     */
    Set<String> names(ExtensionPoint<?> point);

    /**
     * Creates a new instance of an installed extension.
     *
     * @param point its kind
     * @param name its name, one of {@link #names}
     * @param <T> the extension point's interface
     * @return the new instance
     * @throws IllegalArgumentException naming the known extensions, if none has that name
     * @throws RuntimeException from the extension's constructor
     */
    <T> T create(ExtensionPoint<T> point, String name);
}
