package dev.kiln.events;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleWriterTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ConsoleWriter.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(null);
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
        assertThat(appender.list).hasSize(1);
        String line = appender.list.get(0).getFormattedMessage();
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
        assertThat(appender.list.get(0).getFormattedMessage())
                .contains("total_loss: 1  test/loss: 0.25  ");
    }

    @Test
    void writesNothingOnceTrainingIsOver() {
        EventStorage s = new EventStorage();
        s.putScalar("total_loss", 1);
        s.setIter(10);
        new ConsoleWriter(10).write(s);
        assertThat(appender.list).isEmpty();
    }

    @Test
    void durationsReadLikePythonTimedelta() {
        assertThat(ConsoleWriter.formatDuration(83)).isEqualTo("0:01:23");
        assertThat(ConsoleWriter.formatDuration(86_400 + 3723)).isEqualTo("1 day, 1:02:03");
        assertThat(ConsoleWriter.formatDuration(2 * 86_400)).isEqualTo("2 days, 0:00:00");
    }
}
