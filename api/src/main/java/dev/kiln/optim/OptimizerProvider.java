package dev.kiln.optim;

/**
 * Creates an optimizer by name ({@code kiln.solver.optimizer}). An implementation is a Kiln
 * extension: it carries {@code @KilnExtension}, is listed in {@code
 * META-INF/services/dev.kiln.optim.OptimizerProvider} and reads {@code kiln.solver} through
 * constructor injection ({@code @Named("kiln") Config}).
 */
public interface OptimizerProvider {

    /** @return a new optimizer with the configured settings and base learning rate */
    StatefulOptimizer create();
}
