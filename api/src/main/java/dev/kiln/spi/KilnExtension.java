package dev.kiln.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a Kiln extension and gives it the short name the config selects it by.
 *
 * <p>Every class listed in a {@code META-INF/services/<extension point>} file carries this
 * annotation. Kiln reads it from the class without creating an instance, so {@code kiln plugins}
 * can list every extension at no cost.
 *
 * <pre>{@code
 * @KilnExtension(name = "greeter", description = "greets every few iterations")
 * public final class GreeterHook implements Hook { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KilnExtension {

    /**
     * @return the extension's name: short lower-case kebab-case ({@code greeter}, {@code
     *     grad-norm}), unique within its kind; also the name of its config section {@code
     *     kiln.<name>}
     */
    String name();

    /** @return what the extension does, in one line, for listings */
    String description() default "";
}
