package dev.kiln.events;

/**
 * A scalar's value as reported to writers, with the iteration it belongs to.
 *
 * @param value the value (raw or smoothed)
 * @param iteration the iteration of the newest value it stands for
 */
public record ScalarEntry(double value, long iteration) {}
