package dev.kiln.core.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.name.Named;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.RegistryExtensions;
import dev.kiln.data.BatchSource;
import dev.kiln.events.EventStorage;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.runtime.Seeds;
import dev.kiln.spi.Extensions;
import dev.kiln.train.LossFunction;
import dev.kiln.train.TrainerView;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an extension created for a {@link DefaultTrainer} may ask for in its constructor: the
 * {@link KilnConfig}, the {@link Engine}, {@link Device}, {@link NDManager} and {@link Seeds} of the
 * run, the run directory ({@code @Named("output-dir") Path}), and — through {@code Provider}s, since
 * they exist only once the trainer is built or training runs — the model ({@link Block}), the
 * {@link StatefulOptimizer}, the {@link BatchSource}, the {@link TrainerView} and the current
 * {@link EventStorage}; the {@link LossFunction} the trainer minimizes and the test data ({@code
 * @Named("test") Optional<RandomAccessDataset>}, empty when the run has none), for an evaluation;
 * {@link Extensions}, for an extension that creates other extensions by name (a schedule's
 * children, say); and the merged defaults of every {@code reference.conf} ({@code
 * @Named("kiln-defaults") Config}, the {@code kiln} tree). (Its own config section and {@code
 * @Named("kiln") Config} come from the extension factory.) The {@link ExtensionRegistry} and
 * {@link ExtensionFactory} are bound too, for core's own use.
 */
final class RunModule extends AbstractModule {

    private final DefaultTrainer run;

    RunModule(DefaultTrainer run) {
        this.run = run;
    }

    @Provides
    KilnConfig config() {
        return run.config();
    }

    @Provides
    Engine engine() {
        return run.engine();
    }

    @Provides
    Device device() {
        return run.device();
    }

    @Provides
    NDManager manager() {
        return run.manager();
    }

    @Provides
    Seeds seeds() {
        return run.seeds();
    }

    @Provides
    @Named("output-dir")
    Path outputDir() {
        return run.outputDir();
    }

    @Provides
    Block model() {
        return run.model();
    }

    @Provides
    StatefulOptimizer optimizer() {
        return run.optimizer();
    }

    @Provides
    BatchSource batches() {
        return run.trainer().data();
    }

    @Provides
    TrainerView trainer() {
        return run.trainer();
    }

    @Provides
    LossFunction loss() {
        return run.loss();
    }

    @Provides
    @Named("test")
    Optional<RandomAccessDataset> testData() {
        return run.testData();
    }

    @Provides
    Extensions extensions() {
        return new RegistryExtensions(run.registry(), run.extensionFactory());
    }

    @Provides
    @Named("kiln-defaults")
    Config defaults() {
        Config reference = run.config().reference();
        return reference.hasPath("kiln") ? reference.getConfig("kiln") : ConfigFactory.empty();
    }

    @Provides
    ExtensionRegistry registry() {
        return run.registry();
    }

    @Provides
    ExtensionFactory extensionFactory() {
        return run.extensionFactory();
    }

    @Provides
    EventStorage storage() {
        return EventStorage.current();
    }
}
