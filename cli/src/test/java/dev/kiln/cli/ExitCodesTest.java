package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The exit codes {@code --help} lists are exactly those the command returns. */
class ExitCodesTest {

    @Test
    void theListedCodesAreTheOnesTheCommandUses() {
        Set<Integer> used =
                new TreeSet<>(List.of(0, CliFailure.TRAINING_FAILED, CliFailure.BAD_INPUT));
        used.addAll(StopSignals.CODES.values());

        for (Class<?> command : List.of(KilnCommand.class, TrainCommand.class)) {
            Command annotation = command.getAnnotation(Command.class);
            Set<Integer> listed = new TreeSet<>();
            for (String entry : annotation.exitCodeList()) {
                listed.add(Integer.parseInt(entry.substring(0, entry.indexOf(':'))));
            }

            assertThat(listed).as(command.getSimpleName()).isEqualTo(used);
            assertThat(annotation.exitCodeListHeading()).isEqualTo(ExitCodes.HEADING);
        }
    }
}
