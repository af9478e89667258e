package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@code trainer.json} keeps the resolved config's values, so that resuming with another config
 * names the keys that changed, with their old and new values.
 */
class ConfigChangesTest {

    /** As the checkpointer writes and reads {@code trainer.json}. */
    private static final Gson GSON =
            new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    @TempDir Path tmp;

    private static Map<String, Object> savedAndReadBack(Config kiln) {
        String json = GSON.toJson(TrainerStates.values(kiln));
        return GSON.fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
    }

    @Test
    void namesEachChangedKeyWithItsOldAndNewValueWhereTheyAreShort() {
        Config before =
                ConfigFactory.parseString(
                        "engine = PyTorch, output-dir = a, resume = false\n"
                                + "solver { max-iter = 1500, base-lr = 0.05, batch-size = 64 }\n"
                                + "model.hidden-sizes = [256, 256]\n"
                                + "data.train.path = \"/data/a/rather/long/folder/name/digits.csv.gz\"");
        Config after =
                ConfigFactory.parseString(
                        "engine = MXNet, output-dir = b, resume = true, weights = w.safetensors\n"
                                + "solver { max-iter = 3000, base-lr = 0.1, batch-size = 64,"
                                + " momentum = 0.9 }\n"
                                + "model.hidden-sizes = [512, 256]\n"
                                + "data.train.path = \"/data/a/rather/long/folder/name/other.csv.gz\"");

        assertThat(TrainerStates.changes(savedAndReadBack(before), TrainerStates.values(after)))
                .containsExactly(
                        "kiln.data.train.path changed",
                        "kiln.model.hidden-sizes [256,256] -> [512,256]",
                        "kiln.solver.base-lr 0.05 -> 0.1",
                        "kiln.solver.max-iter 1500 -> 3000",
                        "kiln.solver.momentum (not set) -> 0.9");
    }

    @Test
    void aConfigReadBackFromTrainerJsonEqualsItself() {
        Config kiln =
                ConfigFactory.parseString(
                        "seed = 42, lr = 1.0, tiny = 1e-4, name = mlp, on = true\n"
                                + "sizes = [16, 32], weights-of = [0.5, 1.0]\n"
                                + "expected = [{metric = test/accuracy, value = 0.97}]");

        assertThat(TrainerStates.changes(savedAndReadBack(kiln), TrainerStates.values(kiln)))
                .isEmpty();
    }

    @Test
    void namesAtMostTwelveKeys() {
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        for (int i = 10; i < 25; i++) {
            before.append("k").append(i).append(" = 1\n");
            after.append("k").append(i).append(" = 2\n");
        }

        List<String> changes =
                TrainerStates.changes(
                        TrainerStates.values(ConfigFactory.parseString(before.toString())),
                        TrainerStates.values(ConfigFactory.parseString(after.toString())));

        assertThat(changes).hasSize(13).startsWith("kiln.k10 1 -> 2").endsWith("and 3 more");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumingWithAnotherConfigWarnsNamingTheChangedKeys(String engine) throws Exception {
        Path dir = tmp.resolve("run-" + engine);
        String[] first = {
            "kiln.engine=" + engine, "kiln.hooks=[checkpoint]", "kiln.solver.max-iter=20"
        };
        try (KilnRun run = run(dir, first);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        assertThat(Files.readString(dir.resolve("model_final").resolve(Checkpointer.STATE_FILE)))
                .contains("\"kiln.solver.max-iter\": 20");

        List<String> sameConfig = resumeAndCollectWarnings(dir, first);
        List<String> changedConfig =
                resumeAndCollectWarnings(
                        dir,
                        "kiln.engine=" + engine,
                        "kiln.hooks=[checkpoint]",
                        "kiln.solver.max-iter=25",
                        "kiln.solver.base-lr=0.1");

        assertThat(sameConfig).isEmpty();
        assertThat(changedConfig)
                .containsExactly(
                        "The config differs from the one checkpoint model_final was saved with"
                                + " (resuming anyway): kiln.solver.base-lr 0.05 -> 0.1,"
                                + " kiln.solver.max-iter 20 -> 25");
    }

    @Test
    void aChangeOfEngineAloneIsNotAChangeOfConfig() throws Exception {
        Path dir = tmp.resolve("across");
        try (KilnRun run = run(dir, "kiln.engine=PyTorch", "kiln.hooks=[checkpoint]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }

        assertThat(resumeAndCollectWarnings(dir, "kiln.engine=MXNet", "kiln.hooks=[checkpoint]"))
                .isEmpty();
    }

    /** Resumes in the run directory with the overrides; returns the hook's warnings. */
    private static List<String> resumeAndCollectWarnings(Path dir, String... overrides)
            throws Exception {
        String[] all = new String[overrides.length + 1];
        System.arraycopy(overrides, 0, all, 0, overrides.length);
        all[overrides.length] = "kiln.resume=true";
        Logger logger = (Logger) LoggerFactory.getLogger(CheckpointHook.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (KilnRun run = run(dir, all);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isPositive();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream()
                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
