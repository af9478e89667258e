package dev.kiln.images.transform;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.NameSuggester;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A dataset's {@code transforms} list, built from its config and applied in order ({@code
 * kiln.data.train { ..., transforms = [{ type = random-crop, size = 28, padding = 4 }, { type =
 * normalize, mean = [0.1307], std = [0.3081] }] }}). An empty list changes nothing.
 *
 * <p>{@link #apply(HostImage, long)} makes one {@link SplittableRandom} from the example's seed and
 * hands it to every step in turn, so an image depends only on that seed. Like its steps, a list is
 * a value: it may be applied from several threads at once.
 */
public final class TransformList implements ImageTransform {

    private static final TransformList EMPTY = new TransformList(List.of(), List.of());

    private final List<ImageTransform> steps;

    /** Each step's config entry, unwrapped; null when the list was not made from a config. */
    private final List<Map<String, Object>> entries;

    private TransformList(List<ImageTransform> steps, List<Map<String, Object>> entries) {
        this.steps = List.copyOf(steps);
        this.entries = entries == null ? null : List.copyOf(entries);
    }

    /**
     * @param steps the transforms, in the order they apply
     * @return the list of them
     */
    public static TransformList of(List<? extends ImageTransform> steps) {
        return steps.isEmpty() ? EMPTY : new TransformList(List.copyOf(steps), null);
    }

    /**
     * Builds the list a dataset's section names: each entry an object whose {@code type} is the
     * name of a {@link TransformProvider}, with that provider's keys beside it. The list is read
     * from the section itself (not from defaults below it); absent or null, it is empty.
     *
     * @param dataset the dataset's section, such as {@code kiln.data.train}
     * @param key the list's key in it, such as {@code transforms}
     * @param extensions the installed extensions, to create each entry's provider
     * @return the transforms in order
     * @throws SettingsException naming the key, for something other than a list of objects, an
     *     entry without a type or with an unknown one (the known ones listed, the closest
     *     suggested), or a value its provider refuses ({@code kiln.data.train.transforms[1].size})
     */
    public static TransformList create(Settings dataset, String key, Extensions extensions) {
        Config config = dataset.config();
        if (!config.hasPath(key)) {
            return EMPTY;
        }
        ConfigValue value = config.getValue(key);
        if (value.valueType() != ConfigValueType.LIST) {
            throw dataset.problem(
                    key,
                    "must be a list of transforms, each an object with a type, such as [{ type ="
                            + " random-flip }], but is "
                            + value.render(ConfigRenderOptions.concise()));
        }
        Set<String> names = extensions.names(ExtensionPoints.TRANSFORM);
        List<ImageTransform> steps = new ArrayList<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        ConfigList list = (ConfigList) value;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue element = list.get(i);
            String path = dataset.fullKey(key) + "[" + i + "]";
            if (element.valueType() != ConfigValueType.OBJECT) {
                throw new SettingsException(
                        Settings.location(element.origin()),
                        path,
                        "must be an object with a type, such as { type = random-flip }, but is "
                                + element.render(ConfigRenderOptions.concise()));
            }
            Settings entry = Settings.of(((ConfigObject) element).toConfig(), path);
            String type = type(entry, element, names);
            TransformProvider provider = extensions.create(ExtensionPoints.TRANSFORM, type);
            steps.add(provider.create(entry));
            entries.add(((ConfigObject) element).unwrapped());
        }
        return steps.isEmpty() ? EMPTY : new TransformList(steps, entries);
    }

    /**
     * Returns the list without the steps that draw random numbers, as a held-out split is
     * transformed by default; it keeps the config entries of the steps it keeps.
     *
     * @return the deterministic steps, in order
     */
    public TransformList withoutRandomSteps() {
        List<ImageTransform> kept = new ArrayList<>();
        List<Map<String, Object>> keptEntries = entries == null ? null : new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (!steps.get(i).isRandom()) {
                kept.add(steps.get(i));
                if (keptEntries != null) {
                    keptEntries.add(entries.get(i));
                }
            }
        }
        return kept.isEmpty() ? EMPTY : new TransformList(kept, keptEntries);
    }

    /**
     * Returns the config entries the list was made from, such as {@code [{type = normalize, mean =
     * [0.5], std = [0.25]}]}: {@link #create} makes the same list from them again.
     *
     * @return each step's entry as plain Java values (maps, lists, strings, numbers, booleans),
     *     in order; empty when the list was made by {@link #of} from steps without their config
     */
    public Optional<List<Map<String, Object>>> entries() {
        return Optional.ofNullable(entries);
    }

    private static String type(Settings entry, ConfigValue element, Set<String> names) {
        if (!entry.has("type")) {
            throw new SettingsException(
                    Settings.location(element.origin()),
                    entry.fullKey("type"),
                    "required value missing; it must be the name of a transform: " + known(names));
        }
        String type = entry.string("type");
        if (!names.contains(type)) {
            String hint =
                    NameSuggester.closest(type, names)
                            .map(n -> "; did you mean " + n + "?")
                            .orElse("");
            throw entry.problem(
                    "type",
                    "unknown transform type \"" + type + "\"" + hint + "; known: " + known(names));
        }
        return type;
    }

    private static String known(Set<String> names) {
        return names.isEmpty() ? "(none installed)" : String.join(", ", names);
    }

    /** @return the transforms, in the order they apply */
    public List<ImageTransform> steps() {
        return steps;
    }

    /** @return whether the list has no transforms (and so returns every image as it is) */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Returns the shape of the images the list makes, checking each step against the shape the
     * previous one makes.
     *
     * @param input the shape of the images it will be given
     * @return the shape of the images it returns
     * @throws SettingsException from the first step that cannot apply, naming its key
     */
    @Override
    public ImageShape outputShape(ImageShape input) {
        ImageShape shape = input;
        for (ImageTransform step : steps) {
            shape = step.outputShape(shape);
        }
        return shape;
    }

    /** @return whether any step draws from the generator */
    @Override
    public boolean isRandom() {
        for (ImageTransform step : steps) {
            if (step.isRandom()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Transforms one image with a generator of its own.
     *
     * @param image the image, not modified
     * @param seed the example's seed (from the run seed, the epoch and the example's index)
     * @return the image after every step, {@code image} itself for an empty list
     */
    public HostImage apply(HostImage image, long seed) {
        return apply(image, new SplittableRandom(seed));
    }

    /**
     * Transforms one image, every step drawing from the same generator in turn.
     *
     * @param image the image, not modified
     * @param random the generator
     * @return the image after every step
     */
    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        HostImage result = image;
        for (ImageTransform step : steps) {
            result = step.apply(result, random);
        }
        return result;
    }

    @Override
    public String toString() {
        return "TransformList" + steps;
    }
}
