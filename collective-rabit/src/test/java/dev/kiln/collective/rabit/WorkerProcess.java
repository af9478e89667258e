package dev.kiln.collective.rabit;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker JVM for {@link RabitProcessesTest}: {@code rank worldSize timeoutSeconds key=value...}
 * (the coordinates). Joins, all-reduces 100,000 floats in a loop, prints {@code READY} after ten
 * calls, and on a {@link CollectiveException} prints {@code FAILED <message>} and exits with 3.
 */
public final class WorkerProcess {

    private WorkerProcess() {}

    public static void main(String[] args) {
        int rank = Integer.parseInt(args[0]);
        int worldSize = Integer.parseInt(args[1]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[2]));
        Map<String, String> coordinates = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            coordinates.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        int n = 100_000;
        FloatBuffer buffer =
                ByteBuffer.allocateDirect(n * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        try (Collective c =
                new RabitCollectiveProvider().join(coordinates, rank, worldSize, timeout)) {
            for (long call = 1; ; call++) {
                for (int i = 0; i < n; i++) {
                    buffer.put(i, 1f);
                }
                c.allReduceSum(buffer, n);
                if (buffer.get(n - 1) != worldSize) {
                    throw new AssertionError("wrong sum " + buffer.get(n - 1));
                }
                if (call == 10) {
                    System.out.println("READY");
                    System.out.flush();
                }
            }
        } catch (CollectiveException e) {
            System.out.println("FAILED " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
