package dev.kiln.checkpoint;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;

import dev.kiln.train.TrainerState;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of a trainer's state in {@code trainer.json} ({@code iteration}, {@code hooks},
 * {@code trainer}), and the run's information saved beside it ({@code engine}, {@code seed},
 * {@code config_digest}).
 */
final class TrainerStates {

    /** Keys that may differ between a run and its resumption without changing the results. */
    private static final String[] NOT_DIGESTED = {"resume", "weights", "output-dir"};

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
     * @param json the content of {@code trainer.json}
     * @return the state
     * @throws CheckpointException if the iteration is missing
     */
    @SuppressWarnings("unchecked")
    static TrainerState fromJson(Map<String, Object> json) {
        if (!(json.get("iteration") instanceof Number iteration)) {
            throw new CheckpointException("trainer.json has no iteration");
        }
        Map<String, Map<String, Object>> hooks = new LinkedHashMap<>();
        if (json.get("hooks") instanceof Map<?, ?> saved) {
            saved.forEach((k, v) -> hooks.put((String) k, (Map<String, Object>) v));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (json.get("trainer") instanceof Map<?, ?> saved) {
            saved.forEach((k, v) -> extra.put((String) k, v));
        }
        return new TrainerState(iteration.longValue(), hooks, extra);
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
        return info;
    }

    /**
     * A SHA-256 of the resolved config, leaving out the keys a resumption may change.
     *
     * @param kiln the {@code kiln} config tree
     * @return {@code sha256:<hex>}
     */
    static String digest(Config kiln) {
        Config digested = kiln;
        for (String key : NOT_DIGESTED) {
            digested = digested.withoutPath(key);
        }
        String text =
                digested.root().render(ConfigRenderOptions.concise().setFormatted(false));
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
