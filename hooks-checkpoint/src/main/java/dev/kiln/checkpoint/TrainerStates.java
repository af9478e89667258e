package dev.kiln.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.kiln.train.TrainerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON form of a trainer's state in {@code trainer.json} ({@code iteration}, {@code hooks},
 * {@code trainer}), and the run's information saved beside it ({@code engine}, {@code seed},
 * {@code config_digest}, and {@code config}: every resolved {@code kiln.*} value by its full key,
 * so that a resumption can name what changed).
 */
final class TrainerStates {

    /** Keys that may differ between a run and its resumption without changing the results. */
    private static final String[] NOT_DIGESTED = {"resume", "weights", "output-dir"};

    /** Not named among a resumption's changes: the engine's change is reported on its own. */
    private static final String ENGINE = "kiln.engine";

    /** A value longer than this is reported as changed, without its old and new text. */
    private static final int SHORT = 40;

    /** At most this many changed keys are named. */
    private static final int MAX_NAMED = 12;

    private static final Gson JSON =
            new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private TrainerStates() {}

    /** @return the state as JSON-friendly values */
    static Map<String, Object> toJson(TrainerState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("iteration", state.iteration());
        json.put("hooks", new LinkedHashMap<>(state.hooks()));
        json.put("trainer", new LinkedHashMap<>(state.extra()));
        return json;
    }

    /**
     * Reads what {@link #toJson} wrote.
     *
     * @param checkpoint the checkpoint's directory, for messages
     * @param json the content of {@code trainer.json}
     * @return the state
     * @throws CheckpointException naming the checkpoint, if the iteration is not a whole number of
     *     at least 0, or {@code hooks} is not an object of each hook's object, or a value is null
     */
    static TrainerState fromJson(Path checkpoint, Map<String, Object> json) {
        Object iteration = json.get("iteration");
        if (!(iteration instanceof Long n) || n < 0) {
            throw damaged(
                    checkpoint,
                    (iteration == null ? "it has no iteration" : "its iteration is " + iteration)
                            + ", not a whole number of at least 0");
        }
        Map<String, Map<String, Object>> hooks = new LinkedHashMap<>();
        if (json.get("hooks") instanceof Map<?, ?> saved) {
            for (Map.Entry<?, ?> hook : saved.entrySet()) {
                if (!(hook.getValue() instanceof Map<?, ?> state)) {
                    throw damaged(
                            checkpoint,
                            "the state of the hook "
                                    + hook.getKey()
                                    + " is "
                                    + hook.getValue()
                                    + ", not an object");
                }
                hooks.put(
                        (String) hook.getKey(), copy(checkpoint, "hooks." + hook.getKey(), state));
            }
        } else if (json.get("hooks") != null) {
            throw damaged(checkpoint, "its hooks are " + json.get("hooks") + ", not an object");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (json.get("trainer") instanceof Map<?, ?> saved) {
            extra = copy(checkpoint, "trainer", saved);
        } else if (json.get("trainer") != null) {
            throw damaged(checkpoint, "its trainer is " + json.get("trainer") + ", not an object");
        }
        return new TrainerState(n, hooks, extra);
    }

    /** @return the map's entries, none of which may be null (a state never holds null) */
    private static Map<String, Object> copy(Path checkpoint, String where, Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (entry.getValue() == null) {
                throw damaged(checkpoint, where + "." + entry.getKey() + " is null");
            }
            copy.put((String) entry.getKey(), entry.getValue());
        }
        return copy;
    }

    private static CheckpointException damaged(Path checkpoint, String why) {
        return new CheckpointException(
                "checkpoint "
                        + checkpoint
                        + " is damaged: "
                        + Checkpointer.STATE_FILE
                        + ": "
                        + why);
    }

    /**
     * The run's information for every {@code trainer.json}.
     *
     * @param kiln the {@code kiln} config tree
     * @param engine the engine's name
     * @return {@code engine}, {@code seed} and {@code config_digest}
     */
    static Map<String, Object> runInfo(Config kiln, String engine) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("engine", engine);
        info.put("seed", kiln.hasPath("seed") ? kiln.getLong("seed") : 0L);
        info.put("config_digest", digest(kiln));
        info.put("config", values(kiln));
        return info;
    }

    /**
     * The resolved config as saved in {@code trainer.json}, leaving out the keys a resumption may
     * change.
     *
     * @param kiln the {@code kiln} config tree
     * @return each value (a string, number, boolean or list) by its full key, in key order
     */
    static Map<String, Object> values(Config kiln) {
        Map<String, Object> values = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : withoutUndigested(kiln).entrySet()) {
            values.put("kiln." + entry.getKey(), entry.getValue().unwrapped());
        }
        return values;
    }

    /**
     * Names the keys whose values differ between a checkpoint's config and the run's, with the
     * old and new values when they are short: {@code kiln.solver.max-iter 1500 -> 3000}, {@code
     * kiln.solver.momentum (not set) -> 0.9}, {@code kiln.data.train.path changed}. The engine is
     * left out (a change of engine is reported on its own).
     *
     * @param saved the {@code config} of the checkpoint's {@code trainer.json}
     * @param now the run's, from {@link #values}
     * @return one entry per changed key, in key order, at most {@value #MAX_NAMED} and then how
     *     many more
     */
    static List<String> changes(Map<?, ?> saved, Map<?, ?> now) {
        Set<String> keys = new TreeSet<>();
        saved.keySet().forEach(k -> keys.add(String.valueOf(k)));
        now.keySet().forEach(k -> keys.add(String.valueOf(k)));
        keys.remove(ENGINE);
        List<String> changes = new ArrayList<>();
        int more = 0;
        for (String key : keys) {
            String before = saved.containsKey(key) ? render(saved.get(key)) : null;
            String after = now.containsKey(key) ? render(now.get(key)) : null;
            if (Objects.equals(before, after)) {
                continue;
            }
            if (changes.size() == MAX_NAMED) {
                more++;
                continue;
            }
            String was = before == null ? "(not set)" : before;
            String is = after == null ? "(not set)" : after;
            changes.add(
                    was.length() <= SHORT && is.length() <= SHORT
                            ? key + " " + was + " -> " + is
                            : key + " changed");
        }
        if (more > 0) {
            changes.add("and " + more + " more");
        }
        return changes;
    }

    /**
     * Renders a value read from {@code trainer.json} or the config alike: numbers without a
     * needless fraction (a whole number written as {@code 1500} reads back as {@code 1500}, a long),
     * strings as they are, lists and objects as compact JSON.
     */
    private static String render(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (d == Math.rint(d)
                    && !Double.isInfinite(d)
                    && Math.abs(d) < 1e15
                    && !(value instanceof Double || value instanceof Float)) {
                return Long.toString(number.longValue());
            }
            return JSON.toJson(value);
        }
        return JSON.toJson(value);
    }

    private static Config withoutUndigested(Config kiln) {
        Config digested = kiln;
        for (String key : NOT_DIGESTED) {
            digested = digested.withoutPath(key);
        }
        return digested;
    }

    /**
     * A SHA-256 of the resolved config, leaving out the keys a resumption may change.
     *
     * @param kiln the {@code kiln} config tree
     * @return {@code sha256:<hex>}
     */
    static String digest(Config kiln) {
        Config digested = withoutUndigested(kiln);
        String text = digested.root().render(ConfigRenderOptions.concise().setFormatted(false));
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
