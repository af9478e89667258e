package dev.kiln.example;

import com.typesafe.config.Config;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.HookBase;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook of detectron2's tutorial: logs {@code Hello at iteration N!} every {@code
 * kiln.hello.period} iterations. N counts the iterations done, so with a period of 100 it says
 * hello after the 100th iteration (the one numbered 99, since iterations count from 0), the
 * 200th, and so on, like the periodic writer's {@code (iter + 1) % period == 0}.
 *
 * <p>It logs through SLF4J at INFO, so the line reaches the console and the run's {@code
 * log.txt}.
 */
@KilnExtension(name = "hello", description = "says hello every kiln.hello.period iterations")
public final class HelloHook extends HookBase {

    private static final Logger LOG = LoggerFactory.getLogger(HelloHook.class);

    private final int period;

    /**
     * @param section {@code kiln.hello}: {@code period}, at least 1
     * @throws IllegalArgumentException naming the file and line of a bad period
     */
    @Inject
    public HelloHook(Config section) {
        this.period = Settings.of(section, "kiln.hello").intAtLeast("period", 1);
    }

    @Override
    public void afterStep() {
        long done = trainer().iter() + 1;
        if (done % period == 0) {
            LOG.info("Hello at iteration {}!", done);
        }
    }

    @Override
    public String name() {
        return "hello";
    }

    /** @return iterations between two hellos */
    public int period() {
        return period;
    }
}
