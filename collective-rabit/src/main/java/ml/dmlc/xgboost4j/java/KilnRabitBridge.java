package ml.dmlc.xgboost4j.java;

import java.nio.ByteBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kiln's way into XGBoost4J's package-private all-reduce entry point.
 *
 * <p>The public {@code Communicator.allReduce(float[], OpType)} copies into a fresh direct buffer
 * and discards the native return code: when a peer died it returns the rank's own, unsummed
 * values as if nothing had happened. This class calls {@code XGBoostJNI.CommunicatorAllreduce} on
 * a caller-owned direct buffer, in place, and throws when the native call failed.
 *
 * <p>It must be loaded by the class loader that loads the xgboost4j jar (package-private access
 * works within one runtime package only), which the plugin's folder class loader does.
 */
public final class KilnRabitBridge {

    /** {@code Communicator.DataType.FLOAT32}'s native code. */
    public static final int FLOAT32 = Communicator.DataType.FLOAT32.getEnumOp();

    /** {@code Communicator.DataType.INT64}'s native code. */
    public static final int INT64 = Communicator.DataType.INT64.getEnumOp();

    /** {@code Communicator.OpType.SUM}'s native code. */
    public static final int SUM = Communicator.OpType.SUM.getOperand();

    /** {@code Communicator.OpType.MAX}'s native code. */
    public static final int MAX = Communicator.OpType.MAX.getOperand();

    private static final Pattern VERBOSITY = Pattern.compile("\"verbosity\"\\s*:\\s*(\\d+)");

    private KilnRabitBridge() {}

    /**
     * Sets XGBoost's verbosity for the calling thread (XGBoost keeps its global configuration per
     * thread): 0 silent, 1 warnings (the default), 2 info, 3 debug.
     *
     * @param level the new level
     * @return the previous level
     * @throws XGBoostError with the library's message if the native call failed
     */
    public static int verbosity(int level) throws XGBoostError {
        String[] config = new String[1];
        XGBoostJNI.checkCall(XGBoostJNI.XGBGetGlobalConfig(config));
        Matcher m = VERBOSITY.matcher(config[0] == null ? "" : config[0]);
        int previous = m.find() ? Integer.parseInt(m.group(1)) : 1;
        XGBoostJNI.checkCall(XGBoostJNI.XGBSetGlobalConfig("{\"verbosity\": " + level + "}"));
        return previous;
    }

    /**
     * All-reduces {@code count} elements of {@code direct} from its address (not its position), in
     * place, on the calling thread's communicator.
     *
     * @param direct a direct buffer in native byte order
     * @param count the number of elements
     * @param dataType {@link #FLOAT32} or {@link #INT64}
     * @param op {@link #SUM} or {@link #MAX}
     * @throws XGBoostError with the library's message if the native call failed
     */
    public static void allReduce(ByteBuffer direct, int count, int dataType, int op)
            throws XGBoostError {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("the buffer must be direct");
        }
        int rc = XGBoostJNI.CommunicatorAllreduce(direct, count, dataType, op);
        if (rc != 0) {
            throw new XGBoostError(XGBoostJNI.XGBGetLastError());
        }
    }
}
