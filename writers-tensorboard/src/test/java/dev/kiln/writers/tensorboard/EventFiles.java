package dev.kiln.writers.tensorboard;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.HParamsPluginData;
import dev.kiln.writers.tensorboard.proto.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What tests look for in the events read back. */
final class EventFiles {

    private EventFiles() {}

    /** A tagged summary value with the step of its event. */
    record Tagged(long step, Summary.Value value) {}

    static List<Tagged> values(List<Event> events) {
        List<Tagged> out = new ArrayList<>();
        for (Event e : events) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                out.add(new Tagged(e.getStep(), v));
            }
        }
        return out;
    }

    /** step to tag to simple value, for every scalar. */
    static Map<Long, Map<String, Float>> scalars(List<Event> events) {
        Map<Long, Map<String, Float>> out = new LinkedHashMap<>();
        for (Tagged t : values(events)) {
            if (t.value().getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
                Float previous =
                        out.computeIfAbsent(t.step(), k -> new LinkedHashMap<>())
                                .put(t.value().getTag(), t.value().getSimpleValue());
                if (previous != null) {
                    throw new AssertionError(t.value().getTag() + " twice at step " + t.step());
                }
            }
        }
        return out;
    }

    static Optional<Tagged> tag(List<Event> events, String tag) {
        return values(events).stream().filter(t -> t.value().getTag().equals(tag)).findFirst();
    }

    static HParamsPluginData hparams(Tagged t) throws InvalidProtocolBufferException {
        if (!t.value().getMetadata().getPluginData().getPluginName().equals("hparams")) {
            throw new AssertionError("not an hparams summary: " + t.value().getTag());
        }
        return HParamsPluginData.parseFrom(t.value().getMetadata().getPluginData().getContent());
    }
}
