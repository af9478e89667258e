/**
 * Seeded mutations of real files for fuzz tests of Kiln's readers: {@link
 * dev.kiln.testkit.fuzz.ByteMutations} (bit flips, random runs, truncation, junk appended) and
 * {@link dev.kiln.testkit.fuzz.JsonMutations} (keys deleted or duplicated, values of other types,
 * edge numbers, deep nesting), each giving a {@link dev.kiln.testkit.fuzz.Mutant}: the bytes and
 * how they were made, for the failure message.
 */
package dev.kiln.testkit.fuzz;
