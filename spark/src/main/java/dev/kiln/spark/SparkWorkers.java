package dev.kiln.spark;

import dev.kiln.cli.CliFailure;
import dev.kiln.cli.Coordinators;
import dev.kiln.cli.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The {@link WorkerLauncher} of the Spark application: the N workers are the N tasks of one
 * barrier stage ({@code rdd.barrier().mapPartitions}), each running one {@code kiln train} child
 * process ({@link WorkerTask}), as PySpark's TorchDistributor runs {@code torchrun} in each barrier
 * task. The coordinators run on the driver, one per stage attempt ({@link AttemptCoordinators}).
 *
 * <p>The barrier stage is a shuffle map stage (its output feeds a one-partition shuffle), because
 * Spark retries a failed barrier shuffle map stage, up to {@code spark.stage.maxConsecutiveAttempts}
 * (4 by default), but aborts a failed barrier result stage. A failed task fails the stage, Spark
 * kills the other tasks (which stop their children) and runs the stage again; the workers of a
 * retried attempt resume from the run directory's {@code last_checkpoint}.
 *
 * <p>Spark settings read: {@code spark.kiln.home}, the Kiln distribution on each executor
 * (default {@code ./kiln}, where {@code --archives kiln.tgz#kiln} unpacks it), and {@code
 * spark.driver.host}, the default coordinator address.
 */
final class SparkWorkers implements WorkerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(SparkWorkers.class);

    /** The Spark setting naming the Kiln distribution on the executors. */
    static final String KILN_HOME = "spark.kiln.home";

    private static final Pattern WORKER_FAILURE = Pattern.compile("kiln worker rank [^\\n]*");

    @Override
    public String defaultHost() {
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        if (active.isDefined()) {
            return active.get().getConf().get("spark.driver.host");
        }
        SparkConf conf = new SparkConf();
        return conf.contains("spark.driver.host")
                ? conf.get("spark.driver.host")
                : Utils.localCanonicalHostName(); // Spark's own default
    }

    @Override
    public int launch(int n, List<String> arguments, Coordinators coordinators) throws IOException {
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        SparkContext context;
        if (active.isDefined()) {
            context = active.get();
        } else {
            SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "kiln");
            if (!conf.contains("spark.master")) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "no Spark master: run kiln-spark with spark-submit --master URL (or"
                                + " -Dspark.master=URL), see docs/scaling.md",
                        null);
            }
            // Executors that register a moment after the job starts: check again soon.
            conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
            conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120");
            context = new SparkContext(conf);
        }
        SparkContext spark = context;
        String group = "kiln-" + UUID.randomUUID();
        try (AttemptCoordinators service =
                AttemptCoordinators.start(
                        coordinators,
                        message -> {
                            LOG.warn(
                                    "A worker refused its input; stopping the job instead of"
                                            + " retrying: {}",
                                    message);
                            spark.cancelJobGroup(group);
                        })) {
            context.setJobGroup(group, "kiln train", true);
            return run(context, n, arguments, service);
        } finally {
            context.clearJobGroup();
            if (!active.isDefined()) {
                context.stop();
            }
        }
    }

    private static int run(
            SparkContext context, int n, List<String> arguments, AttemptCoordinators service) {
        String kilnHome = context.getConf().get(KILN_HOME, "./kiln");
        WorkerTask task =
                new WorkerTask(
                        n,
                        arguments,
                        kilnHome,
                        Path.of("").toAbsolutePath().toString(),
                        service.host(),
                        service.port());
        JavaSparkContext java = JavaSparkContext.fromSparkContext(context);
        ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
        RDD<Object> ranks =
                java.parallelize(IntStream.range(0, n).boxed().map(i -> (Object) i).toList(), n)
                        .rdd();
        RDD<Object> trained = ranks.barrier().mapPartitions(task, false, tag);
        LOG.info(
                "Starting {} workers as the tasks of a Spark barrier stage; {} = {}",
                n,
                KILN_HOME,
                kilnHome);
        try {
            // the shuffle makes the barrier stage one Spark retries (see the class comment)
            JavaRDD.fromRDD(trained, tag).repartition(1).count();
        } catch (Exception e) { // SparkException, checked, though Scala does not declare it
            String badInput = service.badInput();
            if (badInput != null) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "worker "
                                + badInput
                                + " (on its executor; Spark does not retry a worker's bad input)",
                        e);
            }
            throw new CliFailure(CliFailure.TRAINING_FAILED, failure(e), e);
        }
        LOG.info("Done: the {} workers ended", n);
        return 0;
    }

    /** The worker failure in a failed job's message, else its first line. */
    private static String failure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = WORKER_FAILURE.matcher(message);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        String first = message.lines().findFirst().orElse(message);
        return "the Spark job failed"
                + (e instanceof SparkException ? "" : " (" + e.getClass().getSimpleName() + ")")
                + (last != null ? ": last failure: " + last : ": " + first)
                + "; the run directory keeps the last checkpoint, --resume continues from it";
    }
}
