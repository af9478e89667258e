package dev.kiln.testkit.fuzz;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a JSON document that keep it JSON (or nearly): a member deleted or
 * duplicated, a value of another type, a huge, negative, fractional or off-by-one number, a deep
 * nesting, or a character of the text changed.
 */
public final class JsonMutations {

    /** Numbers that break careless parsing: beyond long, beyond int, negative, fractional. */
    public static final List<JsonPrimitive> EDGE_NUMBERS =
            List.of(
                    new JsonPrimitive(0),
                    new JsonPrimitive(-1),
                    new JsonPrimitive(1.5),
                    new JsonPrimitive(Integer.MAX_VALUE),
                    new JsonPrimitive(1L << 32),
                    new JsonPrimitive(1L << 62),
                    new JsonPrimitive(Long.MAX_VALUE),
                    new JsonPrimitive(Long.MIN_VALUE),
                    new JsonPrimitive(new BigInteger("9223372036854775808")),
                    new JsonPrimitive(new BigInteger("-9223372036854775809")),
                    new JsonPrimitive(new BigDecimal("1e400")),
                    new JsonPrimitive(-1e300));

    private static final String DUPLICATE = "~duplicate~";

    private JsonMutations() {}

    /** A place in a document: a member of an object or an element of an array. */
    private record Slot(JsonElement parent, String key, int index) {
        JsonElement get() {
            return parent instanceof JsonObject o ? o.get(key) : ((JsonArray) parent).get(index);
        }

        void set(JsonElement value) {
            if (parent instanceof JsonObject o) {
                o.add(key, value);
            } else {
                ((JsonArray) parent).set(index, value);
            }
        }

        void delete() {
            if (parent instanceof JsonObject o) {
                o.remove(key);
            } else {
                ((JsonArray) parent).remove(index);
            }
        }
    }

    /**
     * @param document the document; not changed
     * @param random chooses the mutation
     * @return the mutated document's text and its description
     */
    public static Mutant any(JsonObject document, SplittableRandom random) {
        JsonObject copy = document.deepCopy();
        List<Slot> slots = new ArrayList<>();
        collect(copy, slots);
        if (slots.isEmpty() || random.nextInt(12) == 0) {
            return text(copy.toString(), random);
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        String where = (slot.parent instanceof JsonObject ? slot.key : "[" + slot.index + "]");
        String what;
        switch (random.nextInt(7)) {
            case 0 -> {
                slot.delete();
                what = "delete " + where;
            }
            case 1 -> {
                if (slot.parent instanceof JsonObject o) {
                    o.add(slot.key + DUPLICATE, otherValue(slot.get(), random));
                    what = "duplicate the key " + where;
                } else {
                    ((JsonArray) slot.parent).add(slot.get().deepCopy());
                    what = "append a copy of " + where;
                }
            }
            case 2 -> {
                JsonElement value = otherType(slot.get(), random);
                slot.set(value);
                what = "set " + where + " to " + value;
            }
            case 3, 4 -> {
                JsonElement value = number(slot.get(), random);
                slot.set(value);
                what = "set " + where + " to the number " + value;
            }
            case 5 -> {
                int depth = new int[] {8, 254, 256, 300, 2000}[random.nextInt(5)];
                slot.set(nested(depth, random.nextBoolean()));
                what = "set " + where + " to a nesting " + depth + " deep";
            }
            default -> {
                if (slot.parent instanceof JsonObject o) {
                    JsonElement value = o.remove(slot.key);
                    String key =
                            new String[] {"", " ", slot.key + "x", "\u00e9\u4e2d"}
                                    [random.nextInt(4)];
                    o.add(key, value);
                    what = "rename " + where + " to \"" + key + "\"";
                } else {
                    slot.set(JsonNull.INSTANCE);
                    what = "set " + where + " to null";
                }
            }
        }
        String text = copy.toString().replace(DUPLICATE + "\"", "\"");
        return new Mutant(what, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** @return the text with one character inserted, deleted or replaced */
    public static Mutant text(String json, SplittableRandom random) {
        StringBuilder text = new StringBuilder(json);
        int at = random.nextInt(text.length());
        String chars = "{}[]\",:0-9.eE\\ ntf\u0000\u00ff";
        char c = chars.charAt(random.nextInt(chars.length()));
        String what;
        switch (random.nextInt(3)) {
            case 0 -> {
                text.insert(at, c);
                what = "insert '" + c + "' at character " + at;
            }
            case 1 -> {
                text.deleteCharAt(at);
                what = "delete character " + at;
            }
            default -> {
                text.setCharAt(at, c);
                what = "replace character " + at + " by '" + c + "'";
            }
        }
        return new Mutant(what, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void collect(JsonElement element, List<Slot> slots) {
        if (element instanceof JsonObject o) {
            for (String key : o.keySet()) {
                slots.add(new Slot(o, key, -1));
                collect(o.get(key), slots);
            }
        } else if (element instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Slot(a, null, i));
                collect(a.get(i), slots);
            }
        }
    }

    private static JsonElement otherValue(JsonElement value, SplittableRandom random) {
        return random.nextBoolean() ? value.deepCopy() : otherType(value, random);
    }

    private static JsonElement otherType(JsonElement value, SplittableRandom random) {
        List<JsonElement> choices = new ArrayList<>();
        choices.add(new JsonPrimitive("x"));
        choices.add(new JsonPrimitive(value.toString()));
        choices.add(new JsonPrimitive(true));
        choices.add(JsonNull.INSTANCE);
        choices.add(new JsonArray());
        choices.add(new JsonObject());
        choices.add(new JsonPrimitive(7));
        JsonArray wrapped = new JsonArray();
        wrapped.add(value.deepCopy());
        choices.add(wrapped);
        return choices.get(random.nextInt(choices.size()));
    }

    private static JsonElement number(JsonElement value, SplittableRandom random) {
        if (value.isJsonPrimitive()
                && value.getAsJsonPrimitive().isNumber()
                && random.nextBoolean()) {
            long n = value.getAsLong();
            long[] near = {n - 1, n + 1, -n, n * 2, n + 8, n - 8};
            return new JsonPrimitive(near[random.nextInt(near.length)]);
        }
        return EDGE_NUMBERS.get(random.nextInt(EDGE_NUMBERS.size()));
    }

    private static JsonElement nested(int depth, boolean arrays) {
        JsonElement inner = new JsonPrimitive(1);
        for (int i = 0; i < depth; i++) {
            if (arrays) {
                JsonArray a = new JsonArray();
                a.add(inner);
                inner = a;
            } else {
                JsonObject o = new JsonObject();
                o.add("a", inner);
                inner = o;
            }
        }
        return inner;
    }
}
