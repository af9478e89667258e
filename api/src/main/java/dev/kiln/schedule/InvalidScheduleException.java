package dev.kiln.schedule;

/**
 * A schedule's parameter is not valid. Thrown by schedules and their providers with the config key
 * of the parameter (such as {@code milestones}), so the message the user sees names the file,
 * line and full path of the value.
 */
public class InvalidScheduleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key the parameter's key in a schedule section, such as {@code milestones}
     * @param message what is wrong and what is valid
     */
    public InvalidScheduleException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** @return the parameter's key in a schedule section */
    public String key() {
        return key;
    }

    /** @return what is wrong, without the key */
    public String problem() {
        return getMessage().substring(key.length() + 2);
    }
}
