package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.spi.SettingsException;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelloHookTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void saysHelloAfterEveryHundredIterationsByDefault(String engine) {
        try (LogCapture log = LogCapture.of(HelloHook.class)) {
            TrainedRun run =
                    TestTrainer.in(tmp).engine(engine).iterations(250).hooks("hello").train();

            assertThat(log.messages())
                    .containsExactly("Hello at iteration 100!", "Hello at iteration 200!");
            assertThat(log.levels()).containsOnly(Level.INFO);
            assertThat(run.hooks()).hasAtLeastOneElementOfType(HelloHook.class);
            assertThat(run.config().config().getInt("kiln.hello.period")).isEqualTo(100);
        }
    }

    @Test
    void thePeriodComesFromTheConfigAndTheCountIncludesTheLastIteration() {
        try (LogCapture log = LogCapture.of(HelloHook.class)) {
            TestTrainer.in(tmp).iterations(9).hooks("hello").set("kiln.hello.period", 3).train();

            // iterations 0..8: hello after the 3rd, 6th and 9th (numbered 2, 5 and 8)
            assertThat(log.messages())
                    .containsExactly(
                            "Hello at iteration 3!",
                            "Hello at iteration 6!",
                            "Hello at iteration 9!");
        }
    }

    @Test
    void withoutTheHookSelectedNobodySaysHello() {
        try (LogCapture log = LogCapture.of(HelloHook.class)) {
            TestTrainer.in(tmp).iterations(120).train();

            assertThat(log.messages()).isEmpty();
        }
    }

    @Test
    void aPeriodBelowOneNamesTheFileLineAndKey() throws Exception {
        Path conf = tmp.resolve("hello.conf");
        Files.writeString(conf, "kiln.hooks = [hello]\nkiln.hello.period = 0\n");

        assertThatThrownBy(() -> TestTrainer.in(tmp).configFile(conf).train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(
                        "hello.conf:2: kiln.hello.period: must be a whole number"
                                + " at least 1 but is 0");
    }

    @Test
    void aPeriodThatIsNotANumberIsRefusedByTheValidator() {
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .hooks("hello")
                                        .set("kiln.hello.period", "often")
                                        .train())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.hello.period");
    }
}
