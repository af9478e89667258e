package dev.kiln.testkit.fuzz;

/**
 * A mutated copy of a file and how it was made, for the failure message of a fuzz test.
 *
 * @param description the mutation, such as {@code flip 3 bits at [12, 40, 41]}
 * @param bytes the mutated content
 */
public record Mutant(String description, byte[] bytes) {}
