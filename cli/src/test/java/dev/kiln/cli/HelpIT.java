package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiln --help} and {@code kiln train --help} end with every exit code the command uses. */
class HelpIT {

    private static final String EXIT_CODES =
            """

            Exit codes:
              0     done
              1     training failed (a non-finite loss, a failing hook, results that miss
                      kiln.eval.expected-results), or Kiln itself failed
              2     bad usage, config or input (a bad command line, config file, setting,
                      data file, plugin or kiln.weights)
              130   stopped by SIGINT (Ctrl-C) after finishing the step and saving a
                      checkpoint; a second signal stops at once
              143   stopped by SIGTERM after finishing the step and saving a checkpoint; a
                      second signal stops at once
            """;

    @TempDir Path tmp;

    @ParameterizedTest(name = "kiln {0} --help")
    @ValueSource(strings = {"", "train"})
    void helpListsEveryExitCode(String command) {
        List<String> args = new ArrayList<>();
        if (!command.isEmpty()) {
            args.add(command);
        }
        args.add("--help");

        KilnCommand.Result result = KilnCommand.run(tmp, args);

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stderr()).as(result.describe()).isEmpty();
        assertThat(result.stdout()).as(result.describe()).endsWith(EXIT_CODES);
    }
}
