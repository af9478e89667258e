package dev.kiln.writers.tensorboard;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;
import dev.kiln.events.HistogramEvent;
import dev.kiln.writers.tensorboard.proto.DataType;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.HParamsPluginData;
import dev.kiln.writers.tensorboard.proto.HistogramProto;
import dev.kiln.writers.tensorboard.proto.SessionEndInfo;
import dev.kiln.writers.tensorboard.proto.SessionLog;
import dev.kiln.writers.tensorboard.proto.SessionStartInfo;
import dev.kiln.writers.tensorboard.proto.Status;
import dev.kiln.writers.tensorboard.proto.Summary;
import dev.kiln.writers.tensorboard.proto.SummaryMetadata;
import dev.kiln.writers.tensorboard.proto.TensorProto;
import dev.kiln.writers.tensorboard.proto.TensorShapeProto;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds the {@code Event}s Kiln writes, in the shapes TensorBoard's plugins read: scalars as
 * {@code simple_value}, histograms as {@code HistogramProto}, text as a string tensor for the
 * {@code text} plugin, hyperparameters as the {@code hparams} plugin's session start and end.
 */
final class SummaryEvents {

    /** The tag of the resolved config's text summary. */
    static final String CONFIG_TAG = "config";

    /** The hparams plugin's tag of a session's start (its hyperparameters). */
    static final String SESSION_START_TAG = "_hparams_/session_start_info";

    /** The hparams plugin's tag of a session's end (its status). */
    static final String SESSION_END_TAG = "_hparams_/session_end_info";

    private static final double[] EDGES = HistogramEvent.defaultBucketEdges();

    /** A float tensor of shape [0]: the smallest valid tensor, for summaries that are metadata. */
    private static final TensorProto NULL_TENSOR =
            TensorProto.newBuilder()
                    .setDtype(DataType.DT_FLOAT)
                    .setTensorShape(
                            TensorShapeProto.newBuilder()
                                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(0)))
                    .build();

    private SummaryEvents() {}

    /**
     * @param step the step it starts at
     * @param wallTime seconds since the epoch
     * @return a session START: TensorBoard drops what earlier files hold at this step or later
     */
    static Event sessionStart(long step, double wallTime) {
        return Event.newBuilder()
                .setStep(step)
                .setWallTime(wallTime)
                .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START))
                .build();
    }

    /**
     * @param step the iteration
     * @param wallTime seconds since the epoch
     * @param scalars name to value
     * @return one event with a simple value per scalar
     */
    static Event scalars(long step, double wallTime, Map<String, Double> scalars) {
        Summary.Builder summary = Summary.newBuilder();
        scalars.forEach(
                (tag, value) ->
                        summary.addValue(
                                Summary.Value.newBuilder()
                                        .setTag(tag)
                                        .setSimpleValue(value.floatValue())));
        return Event.newBuilder().setStep(step).setWallTime(wallTime).setSummary(summary).build();
    }

    /**
     * @param histogram a histogram put into the storage
     * @param wallTime seconds since the epoch
     * @return the histogram at its iteration
     */
    static Event histogram(HistogramEvent histogram, double wallTime) {
        Summary summary =
                Summary.newBuilder()
                        .addValue(
                                Summary.Value.newBuilder()
                                        .setTag(histogram.name())
                                        .setHisto(histogramProto(histogram)))
                        .build();
        return Event.newBuilder()
                .setStep(histogram.iteration())
                .setWallTime(wallTime)
                .setSummary(summary)
                .build();
    }

    /**
     * Encodes a histogram as TensorFlow does: every non-empty bucket with its right edge, and each
     * run of empty buckets between them (or before the first, or after the last) collapsed into
     * one empty bucket ending at the run's last edge, so each bucket's left edge is the previous
     * limit.
     *
     * @param h the histogram, whose limits are edges of {@link HistogramEvent#defaultBucketEdges()}
     * @return the proto
     */
    static HistogramProto histogramProto(HistogramEvent h) {
        HistogramProto.Builder proto =
                HistogramProto.newBuilder()
                        .setMin(h.min())
                        .setMax(h.max())
                        .setNum(h.count())
                        .setSum(h.sum())
                        .setSumSquares(h.sumSquares());
        int previous = -1;
        for (int j = 0; j < h.bucketLimits().length; j++) {
            int edge = Arrays.binarySearch(EDGES, h.bucketLimits()[j]);
            if (edge < 0) {
                throw new IllegalArgumentException(
                        "histogram '"
                                + h.name()
                                + "' has a bucket limit that is not a default edge: "
                                + h.bucketLimits()[j]);
            }
            if (edge - 1 > previous) {
                proto.addBucketLimit(EDGES[edge - 1]).addBucket(0);
            }
            proto.addBucketLimit(EDGES[edge]).addBucket(h.bucketCounts()[j]);
            previous = edge;
        }
        if (previous < EDGES.length - 1) {
            proto.addBucketLimit(EDGES[EDGES.length - 1]).addBucket(0);
        }
        return proto.build();
    }

    /**
     * @param tag the tag
     * @param markdown the text, as Markdown
     * @param step the step
     * @param wallTime seconds since the epoch
     * @return a text summary: a scalar string tensor for the {@code text} plugin
     */
    static Event text(String tag, String markdown, long step, double wallTime) {
        TensorProto tensor =
                TensorProto.newBuilder()
                        .setDtype(DataType.DT_STRING)
                        .setTensorShape(TensorShapeProto.getDefaultInstance())
                        .addStringVal(ByteString.copyFrom(markdown, StandardCharsets.UTF_8))
                        .build();
        SummaryMetadata metadata =
                SummaryMetadata.newBuilder()
                        .setPluginData(
                                SummaryMetadata.PluginData.newBuilder().setPluginName("text"))
                        .build();
        return summaryEvent(tag, metadata, tensor, step, wallTime);
    }

    /**
     * @param hparams hyperparameter name to a String, Number or Boolean
     * @param step the step
     * @param wallTime seconds since the epoch, also the session's start time
     * @return the hparams plugin's session start
     */
    static Event hparamsStart(Map<String, Object> hparams, long step, double wallTime) {
        SessionStartInfo.Builder start = SessionStartInfo.newBuilder().setStartTimeSecs(wallTime);
        hparams.forEach((name, value) -> start.putHparams(name, protoValue(value)));
        return hparamsEvent(
                SESSION_START_TAG,
                HParamsPluginData.newBuilder().setSessionStartInfo(start).build(),
                step,
                wallTime);
    }

    /**
     * @param succeeded whether the session ended well
     * @param step the step
     * @param wallTime seconds since the epoch, also the session's end time
     * @return the hparams plugin's session end
     */
    static Event hparamsEnd(boolean succeeded, long step, double wallTime) {
        SessionEndInfo end =
                SessionEndInfo.newBuilder()
                        .setStatus(succeeded ? Status.STATUS_SUCCESS : Status.STATUS_FAILURE)
                        .setEndTimeSecs(wallTime)
                        .build();
        return hparamsEvent(
                SESSION_END_TAG,
                HParamsPluginData.newBuilder().setSessionEndInfo(end).build(),
                step,
                wallTime);
    }

    private static Event hparamsEvent(
            String tag, HParamsPluginData data, long step, double wallTime) {
        SummaryMetadata metadata =
                SummaryMetadata.newBuilder()
                        .setPluginData(
                                SummaryMetadata.PluginData.newBuilder()
                                        .setPluginName("hparams")
                                        .setContent(data.toByteString()))
                        .build();
        return summaryEvent(tag, metadata, NULL_TENSOR, step, wallTime);
    }

    private static Event summaryEvent(
            String tag, SummaryMetadata metadata, TensorProto tensor, long step, double wallTime) {
        Summary summary =
                Summary.newBuilder()
                        .addValue(
                                Summary.Value.newBuilder()
                                        .setTag(tag)
                                        .setMetadata(metadata)
                                        .setTensor(tensor))
                        .build();
        return Event.newBuilder().setStep(step).setWallTime(wallTime).setSummary(summary).build();
    }

    private static Value protoValue(Object value) {
        if (value instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (value instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(value)).build();
    }
}
