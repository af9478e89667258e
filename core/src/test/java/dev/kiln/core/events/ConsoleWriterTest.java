package dev.kiln.core.events;

import dev.kiln.events.EventStorage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleWriterTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(ConsoleWriter.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void printsOneProgressLineWithSmoothedLossesTimesLrAndMemory() {
        EventStorage s = new EventStorage();
        for (int i = 0; i < 200; i++) {
            s.setIter(i);
            s.putScalar("total_loss", i < 180 ? 5.0 : 0.1234);
            s.putScalar("loss_cls", 0.5);
            s.putScalar("time", 0.25);
            s.putScalar("data_time", 0.0001);
            s.putScalar("lr", 0.05, false);
        }
        s.setIter(199);
        new ConsoleWriter(400).write(s);
        assertThat(log.messages()).hasSize(1);
        String line = log.messages().get(0);
        // 200 iterations left at the median time 0.25 s: 50 s
        assertThat(line)
                .matches(
                        "eta: 0:00:50  iter: 199  total_loss: 0\\.1234  loss_cls: 0\\.5  time:"
                                + " 0\\.2500  data_time: 0\\.0001  lr: 0\\.05  max_mem: \\d+M");
        assertThat(s.history("eta_seconds").latest()).isEqualTo(50.0);
    }

    @Test
    void aLossPutWithoutSmoothingIsPrintedAsItsNewestValue() {
        EventStorage s = new EventStorage();
        for (int i = 0; i < 20; i++) {
            s.setIter(i);
            s.putScalar("total_loss", 1.0);
            if (i % 5 == 4) {
                // a validation loss, evaluated every 5 iterations: 3, 2, 1, 0.25
                s.putScalar("test/loss", i == 19 ? 0.25 : 3.0 - i / 5, false);
            }
        }
        new ConsoleWriter(40).write(s);
        assertThat(log.messages().get(0))
                .contains("total_loss: 1  test/loss: 0.25  ");
    }

    @Test
    void writesNothingOnceTrainingIsOver() {
        EventStorage s = new EventStorage();
        s.putScalar("total_loss", 1);
        s.setIter(10);
        new ConsoleWriter(10).write(s);
        assertThat(log.messages()).isEmpty();
    }

    @Test
    void durationsReadLikePythonTimedelta() {
        assertThat(ConsoleWriter.formatDuration(83)).isEqualTo("0:01:23");
        assertThat(ConsoleWriter.formatDuration(86_400 + 3723)).isEqualTo("1 day, 1:02:03");
        assertThat(ConsoleWriter.formatDuration(2 * 86_400)).isEqualTo("2 days, 0:00:00");
    }
}
