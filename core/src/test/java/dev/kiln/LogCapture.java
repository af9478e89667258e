package dev.kiln;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger logs at INFO and above until closed, for tests to read. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    /**
     * Starts collecting what a class's logger logs.
     *
     * @param type the class whose logger to follow
     * @return the capture; close it to stop
     */
    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /**
     * Starts collecting what a named logger logs.
     *
     * @param name the logger's name
     * @return the capture; close it to stop
     */
    public static LogCapture of(String name) {
        return new LogCapture((Logger) LoggerFactory.getLogger(name));
    }

    /**
     * Returns the logger, for code under test that takes one.
     *
     * @return the logger followed
     */
    public org.slf4j.Logger logger() {
        return logger;
    }

    /**
     * Returns the events logged so far.
     *
     * @return the events, oldest first
     */
    public List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /**
     * Returns the messages logged so far, with their arguments filled in.
     *
     * @return the messages, oldest first
     */
    public List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
    }
}
