package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.train.HookBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaxEpochsTest {

    @TempDir Path tmp;

    /** Records the run length each step sees. */
    private static final class Probe extends HookBase {
        final List<Long> maxIters = new ArrayList<>();

        @Override
        public void afterStep() {
            maxIters.add(trainer().maxIter());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void twoEpochsOfTheDigitsTrainCeilOfTwiceTheTrainingRowsOverTheBatchSize(String engine) {
        Probe probe = new Probe();

        // 40 rows, the kit's test-fraction 0.25 holds 10 out: ceil(2 x 30 / 16) = 4
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .data(TestData.digits40(tmp))
                        .epochs(2)
                        .hook(probe)
                        .train();

        assertThat(run.endIteration()).isEqualTo(4);
        assertThat(probe.maxIters).containsExactly(4L, 4L, 4L, 4L);
        assertThat(run.config().maxIter()).isEqualTo(4);
        assertThat(run.config().maxEpochs()).isEmpty();
        assertThat(run.config().config().getValue("kiln.solver.max-iter").origin().description())
                .contains(
                        "kiln.solver.max-epochs = 2: ceil(2 x 30 training examples / batch-size 16)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void settingBothMaxIterAndMaxEpochsIsAConfigErrorNamingBoth(String engine) {
        TestTrainer both =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .data(TestData.digits40(tmp))
                        .epochs(2)
                        .iterations(2000);

        assertThatThrownBy(both::train)
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining(
                        "kiln.solver.max-iter and kiln.solver.max-epochs are both set; set one of"
                                + " them");
    }
}
