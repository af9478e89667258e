package dev.kiln.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.train.TrainerBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodicWriterTest {

    static final class StepTrainer extends TrainerBase {
        @Override
        protected void runStep() {
            storage().putScalar("total_loss", 1.0 / (iter() + 1));
        }
    }

    static final class RecordingWriter implements EventWriter {
        final List<String> calls = new ArrayList<>();

        @Override
        public void write(EventStorage storage) {
            calls.add("write@" + storage.iter());
        }

        @Override
        public void resumeAt(long iteration) {
            calls.add("resumeAt" + iteration);
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void writesEveryPeriodAndAtTheLastIterationOnceThenCloses() {
        RecordingWriter w = new RecordingWriter();
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(new PeriodicWriter(List.of(w), 4));
        trainer.train(0, 10);
        assertThat(w.calls).containsExactly("write@3", "write@7", "write@9", "close");
    }

    @Test
    void aResumingRunThatStartsAtZeroStillTellsTheWriters() {
        RecordingWriter fresh = new RecordingWriter();
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(new PeriodicWriter(List.of(fresh), 4));
        trainer.train(0, 4);
        assertThat(fresh.calls).containsExactly("write@3", "close");

        // --resume in a directory whose run was killed before its first checkpoint
        RecordingWriter resumed = new RecordingWriter();
        StepTrainer again = new StepTrainer();
        again.registerHooks(new PeriodicWriter(List.of(resumed), 4, true));
        again.train(0, 4);
        assertThat(resumed.calls).containsExactly("resumeAt0", "write@3", "close");
    }

    @Test
    void aStopOrResumeBetweenPeriodsIsWrittenAtTheEnd() {
        RecordingWriter w = new RecordingWriter();
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(
                new PeriodicWriter(List.of(w), 4),
                dev.kiln.train.LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    if (t.iter() == 13) {
                                        t.requestStop("test");
                                    }
                                })
                        .build());
        trainer.train(6, 100);
        assertThat(w.calls)
                .containsExactly("resumeAt6", "write@7", "write@11", "write@13", "close");
    }
}
