package dev.kiln.cli;

import dev.kiln.testkit.KilnCommand;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ConfigCommandIT} still calls; every other test of the command runs {@code bin/kiln}
 * with the test kit's {@link KilnCommand} and finds the repository's files with {@link Repository}.
 *
 * @deprecated use {@link KilnCommand#run(Path, String...)} and {@link Repository}
 */
@Deprecated
final class KilnProcess {

    private KilnProcess() {}

    /** What one run left behind; see {@link KilnCommand.Result}. */
    record Result(int exitCode, String stdout, String stderr, List<String> command) {

        /** @return the command and both streams, for assertion messages */
        String describe() {
            return new KilnCommand.Result(exitCode, stdout, stderr, command).describe();
        }
    }

    /** @return {@link Repository#quickstartConfig()} */
    static Path quickstartConfig() {
        return Repository.quickstartConfig();
    }

    /** Runs {@code bin/kiln}; see {@link KilnCommand#run(Path, String...)}. */
    static Result run(Path workDir, String... args) {
        KilnCommand.Result r = KilnCommand.run(workDir, args);
        return new Result(r.exitCode(), r.stdout(), r.stderr(), r.args());
    }
}
