package dev.kiln.core.events;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import com.typesafe.config.Config;
import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints one line of training progress per write to the log, like detectron2's metric printer:
 *
 * <pre>
 * eta: 0:01:23  iter: 199  total_loss: 0.1234  time: 0.0011  data_time: 0.0001  lr: 0.05  max_mem: 812M
 * </pre>
 *
 * Losses (every scalar whose name contains {@code loss}) are medians over the last {@code window}
 * values, or the newest value for one put without a smoothing hint (a validation loss), times are averages over the window, {@code max_mem} is the device's memory in use where
 * DJL tells it (GPUs) and the JVM heap in use otherwise. It reports training progress only, so it
 * writes nothing once the last iteration has been reported.
 *
 * <p>Any other scalar a hook, an evaluator or a model puts is shown when asked for by name, in a
 * run with {@code kiln.console.show = [test/accuracy, grad_norm]}: after the losses, in the order
 * asked, as {@code name: value} with the losses' formatting and smoothing (the median over the
 * window, or the newest value for a scalar put without a smoothing hint, as evaluation results
 * are). A scalar not put yet is left out of the line; a name the line shows anyway (a loss, {@code
 * time}, {@code data_time}, {@code lr}) is not repeated:
 *
 * <pre>
 * eta: 0:01:23  iter: 199  total_loss: 0.1234  test/accuracy: 0.9749  grad_norm: 1.532  time: ...
 * </pre>
 */
@KilnExtension(
        name = "console",
        description = "one progress line per write: eta, iter, losses, time, lr, memory")
public final class ConsoleWriter implements EventWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleWriter.class);

    private final long maxIter;
    private final int window;
    private final Device device;
    private final List<String> show;
    private long lastWriteIter = -1;
    private long lastWriteNanos;

    /**
     * A writer for a run of {@code maxIter} iterations on the CPU, smoothing over 20 values.
     *
     * @param maxIter the iteration training stops before, for the ETA
     */
    public ConsoleWriter(long maxIter) {
        this(maxIter, 20, Device.cpu());
    }

    /**
     * The writer a configured run gets: for {@code kiln.solver.max-iter} iterations on the run's
     * device, smoothing over 20 values, showing the scalars of {@code kiln.console.show} too.
     *
     * @param section {@code kiln.console}
     * @param kiln the whole {@code kiln} config
     * @param device the run's device
     */
    @Inject
    public ConsoleWriter(Config section, @Named("kiln") Config kiln, Device device) {
        this(kiln.getLong("solver.max-iter"), 20, device, shown(section));
    }

    /**
     * Creates a writer.
     *
     * @param maxIter the iteration training stops before, for the ETA
     * @param window how many recent values the medians and averages use
     * @param device the device whose memory {@code max_mem} reports
     */
    public ConsoleWriter(long maxIter, int window, Device device) {
        this(maxIter, window, device, List.of());
    }

    /**
     * Creates a writer that also shows the given scalars.
     *
     * @param maxIter the iteration training stops before, for the ETA
     * @param window how many recent values the medians and averages use
     * @param device the device whose memory {@code max_mem} reports
     * @param show the names of further scalars to show, in this order
     */
    public ConsoleWriter(long maxIter, int window, Device device, List<String> show) {
        this.maxIter = maxIter;
        this.window = window;
        this.device = device;
        List<String> extra = new ArrayList<>();
        for (String name : show) {
            if (!showsAnyway(name) && !extra.contains(name)) {
                extra.add(name);
            }
        }
        this.show = List.copyOf(extra);
    }

    private static List<String> shown(Config section) {
        Settings settings = Settings.of(section, "kiln.console");
        if (!settings.has("show")) {
            return List.of();
        }
        List<String> names = settings.stringList("show");
        for (String name : names) {
            if (name.isBlank()) {
                throw settings.problem(
                        "show", "a scalar's name is empty; give names such as test/accuracy");
            }
        }
        return names;
    }

    /** @return whether the line shows a scalar of that name without being asked */
    private static boolean showsAnyway(String name) {
        return name.contains("loss")
                || name.equals("time")
                || name.equals("data_time")
                || name.equals("lr");
    }

    @Override
    public void write(EventStorage storage) {
        long iteration = storage.iter();
        if (iteration >= maxIter) {
            return;
        }
        Map<String, HistoryBuffer> histories = storage.histories();
        StringBuilder line = new StringBuilder(160);
        String eta = eta(storage, iteration);
        if (eta != null) {
            line.append("eta: ").append(eta).append("  ");
        }
        line.append("iter: ").append(iteration);
        histories.forEach(
                (name, h) -> {
                    if (name.contains("loss")) {
                        appendSmoothed(line, storage, name, h);
                    }
                });
        for (String name : show) {
            HistoryBuffer h = histories.get(name);
            if (h != null) {
                appendSmoothed(line, storage, name, h);
            }
        }
        appendAverage(line, histories.get("time"), "time");
        appendAverage(line, histories.get("data_time"), "data_time");
        HistoryBuffer lr = histories.get("lr");
        if (lr != null) {
            line.append("  lr: ").append(DecimalText.significant(lr.latest(), 5));
        }
        line.append("  max_mem: ").append(memoryInUseMb()).append('M');
        LOG.info(line.toString());
    }

    /** Appends the median over the window, or the newest value when put without smoothing. */
    private void appendSmoothed(
            StringBuilder line, EventStorage storage, String name, HistoryBuffer h) {
        line.append("  ")
                .append(name)
                .append(": ")
                .append(
                        DecimalText.significant(
                                Boolean.FALSE.equals(storage.smoothingHints().get(name))
                                        ? h.latest()
                                        : h.median(window),
                                4));
    }

    private void appendAverage(StringBuilder line, HistoryBuffer h, String name) {
        if (h != null) {
            line.append("  ")
                    .append(name)
                    .append(": ")
                    .append(DecimalText.fixed(h.average(window), 4));
        }
    }

    /**
     * The remaining time: the wall time per iteration since the previous write (hooks and all)
     * times the iterations left; at the first write, the median step time.
     */
    private String eta(EventStorage storage, long iteration) {
        long now = System.nanoTime();
        double secondsPerIter = Double.NaN;
        if (lastWriteIter >= 0 && iteration > lastWriteIter) {
            secondsPerIter = (now - lastWriteNanos) / 1e9 / (iteration - lastWriteIter);
        } else {
            HistoryBuffer time = storage.histories().get("time");
            if (time != null) {
                secondsPerIter = time.median(1000);
            }
        }
        lastWriteIter = iteration;
        lastWriteNanos = now;
        if (Double.isNaN(secondsPerIter)) {
            return null;
        }
        double etaSeconds = secondsPerIter * (maxIter - iteration - 1);
        storage.putScalar("eta_seconds", etaSeconds, false);
        return formatDuration((long) etaSeconds);
    }

    private long memoryInUseMb() {
        if (device.isGpu()) {
            return CudaUtils.getGpuMemory(device).getUsed() / (1024 * 1024);
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
    }

    /**
     * Formats seconds like Python's {@code timedelta}: {@code 0:01:23}, {@code 2 days, 3:04:05}.
     *
     * @param seconds whole seconds
     * @return the text
     */
    public static String formatDuration(long seconds) {
        long days = seconds / 86_400;
        long rest = seconds % 86_400;
        StringBuilder out = new StringBuilder(20);
        if (days != 0) {
            out.append(days).append(days == 1 ? " day, " : " days, ");
        }
        out.append(rest / 3600).append(':');
        appendTwoDigits(out, rest / 60 % 60);
        out.append(':');
        appendTwoDigits(out, rest % 60);
        return out.toString();
    }

    private static void appendTwoDigits(StringBuilder out, long v) {
        if (v < 10) {
            out.append('0');
        }
        out.append(v);
    }
}
