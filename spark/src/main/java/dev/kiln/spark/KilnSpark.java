package dev.kiln.spark;

import dev.kiln.cli.CliFailure;
import dev.kiln.cli.DistributedLaunch;
import dev.kiln.cli.KilnMain;
import dev.kiln.cli.RunOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Spark application's driver ({@code spark-submit --class dev.kiln.spark.KilnSpark}): trains
 * as {@code kiln train --nproc N} does, with each of the N workers a task of a Spark barrier stage
 * (see {@link SparkWorkers}). On the driver it makes exactly the checks of {@code kiln train
 * --nproc N} before starting anything ({@link DistributedLaunch}); the collective's coordinator
 * runs on the driver, on {@code kiln.distributed.host} (by default {@code spark.driver.host}).
 */
@Command(
        name = "kiln-spark",
        mixinStandardHelpOptions = true,
        description = {
            "Train as the config says, with N workers that are the tasks of a Spark barrier stage,"
                    + " one kiln train process each (see docs/scaling.md, On a Spark cluster)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:training failed (a worker failed on every attempt Spark made)",
            "2:bad usage, config or input: found by the driver before anything started, or by a"
                    + " worker on its executor (then Spark does not retry)"
        })
public final class KilnSpark implements Callable<Integer> {

    /** The options whose value is a path, made absolute for the workers. */
    private static final Set<String> PATH_OPTIONS = Set.of("--config", "--output-dir", "--plugins");

    @Mixin RunOptions options = new RunOptions();

    @Option(
            names = "--workers",
            paramLabel = "N",
            required = true,
            description =
                    "the number of workers: Spark barrier tasks, each running one kiln train"
                            + " process on its share of every batch")
    int workers;

    @Option(
            names = "--resume",
            description =
                    "continue the run in the output directory from its last checkpoint"
                            + " (kiln.resume=true); without one, start there from iteration 0")
    boolean resume;

    @Spec CommandSpec spec;

    /**
     * Runs the application and exits with its code.
     *
     * @param args the command line: {@code --workers N} and the arguments of {@code kiln train}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the application; uses the active {@code SparkContext}, or creates one from the {@code
     * spark.*} system properties (which {@code spark-submit} sets) and stops it at the end.
     *
     * @param args the command line: {@code --workers N} and the arguments of {@code kiln train}
     * @return the exit code: 0 done, 1 training failed, 2 bad input
     */
    public static int run(String... args) {
        return KilnMain.execute(new KilnSpark(), args);
    }

    @Override
    public Integer call() {
        options.requireConfigFile();
        if (workers < 1) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "--workers must be at least 1, got " + workers, null);
        }
        if (resume) {
            options.addOverride("kiln.resume=true");
        }
        return DistributedLaunch.run(
                options, "--workers", workers, workerArguments(), new SparkWorkers());
    }

    /**
     * The command line as given, without {@code --workers}, and with the paths of {@code
     * --config}, {@code --output-dir} and {@code --plugins} made absolute: a worker runs in the
     * driver's working directory only where that exists on its executor.
     */
    private List<String> workerArguments() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        Path cwd = Path.of("").toAbsolutePath();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            String arg = original.get(i);
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (name.equals("--workers")) {
                if (eq < 0) {
                    i++;
                }
            } else if (PATH_OPTIONS.contains(name) && eq > 0) {
                args.add(name);
                args.add(cwd.resolve(arg.substring(eq + 1)).toString());
            } else if (PATH_OPTIONS.contains(name) && i + 1 < original.size()) {
                args.add(name);
                args.add(cwd.resolve(original.get(++i)).toString());
            } else {
                args.add(arg);
            }
        }
        return args;
    }
}
