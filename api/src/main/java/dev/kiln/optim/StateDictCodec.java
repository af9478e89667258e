package dev.kiln.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Engine-independent byte form of a {@link StatefulOptimizer#stateDict state dict}, using DJL's
 * {@link NDList#encode()} format with each array named by its key.
 */
public final class StateDictCodec {

    private StateDictCodec() {}

    /**
     * Encodes a state dict to bytes. The arrays' names are set to their keys.
     *
     * @param state the state, e.g. from {@link StatefulOptimizer#stateDict}
     * @return the encoded bytes
     */
    public static byte[] encode(Map<String, NDArray> state) {
        NDList list = new NDList(state.size());
        for (Map.Entry<String, NDArray> entry : state.entrySet()) {
            entry.getValue().setName(entry.getKey());
            list.add(entry.getValue());
        }
        return list.encode();
    }

    /**
     * Decodes bytes from {@link #encode} into new arrays attached to {@code manager}.
     *
     * @param manager the manager of the decoded arrays (any engine)
     * @param bytes the encoded state
     * @return the state, in the encoded order
     * @throws IllegalArgumentException if an array has no name or a name repeats
     */
    public static Map<String, NDArray> decode(NDManager manager, byte[] bytes) {
        NDList list = NDList.decode(manager, bytes);
        Map<String, NDArray> state = new LinkedHashMap<>();
        for (NDArray array : list) {
            String key = array.getName();
            if (key == null || state.put(key, array) != null) {
                list.close();
                throw new IllegalArgumentException("Unnamed or repeated state entry: " + key);
            }
        }
        return state;
    }
}
