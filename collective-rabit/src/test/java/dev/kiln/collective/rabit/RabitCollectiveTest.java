package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CollectiveProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rabit collective with its ranks as threads of this JVM, each with its own communicator. */
class RabitCollectiveTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CollectiveProvider provider = new RabitCollectiveProvider();

    /** Values over 40 binades, so that the order of the additions shows in the rounding. */
    static float[] input(int rank, int n, int call) {
        Random random = new Random(1234 + 7919L * rank + 104729L * call);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(40) - 20));
        }
        return x;
    }

    static FloatBuffer direct(float[] values) {
        FloatBuffer b =
                ByteBuffer.allocateDirect(values.length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        b.put(0, values);
        return b;
    }

    static float[] contents(FloatBuffer b, int n) {
        float[] out = new float[n];
        b.get(0, out);
        return out;
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    @Test
    void twoRanksGetExactlyTheSumOfTheirValuesOnEveryCall() throws Exception {
        int n = 10_000;
        int calls = 5;
        List<Ranks.Outcome<float[][]>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            assertThat(c.worldSize()).isEqualTo(2);
                            float[][] results = new float[calls][];
                            FloatBuffer buffer = direct(new float[n]);
                            for (int call = 0; call < calls; call++) {
                                buffer.put(0, input(c.rank(), n, call));
                                c.allReduceSum(buffer, n);
                                results[call] = contents(buffer, n);
                            }
                            return results;
                        });
        for (int rank = 0; rank < 2; rank++) {
            float[][] results = outcomes.get(rank).get();
            for (int call = 0; call < calls; call++) {
                float[] a = input(0, n, call);
                float[] b = input(1, n, call);
                float[] sum = new float[n];
                for (int i = 0; i < n; i++) {
                    sum[i] = a[i] + b[i];
                }
                assertThat(bits(results[call]))
                        .as("rank %d, call %d", rank, call)
                        .isEqualTo(bits(sum));
            }
        }
    }

    @Test
    void threeRanksGetIdenticalBitsCloseToTheExactSum() throws Exception {
        int n = 30_000;
        List<Ranks.Outcome<float[]>> outcomes =
                Ranks.run(
                        provider,
                        3,
                        TIMEOUT,
                        c -> {
                            FloatBuffer buffer = direct(input(c.rank(), n, 0));
                            c.allReduceSum(buffer, n);
                            return contents(buffer, n);
                        });
        float[] first = outcomes.get(0).get();
        assertThat(bits(outcomes.get(1).get())).isEqualTo(bits(first));
        assertThat(bits(outcomes.get(2).get())).isEqualTo(bits(first));
        float[][] in = {input(0, n, 0), input(1, n, 0), input(2, n, 0)};
        int notLeftToRight = 0;
        for (int i = 0; i < n; i++) {
            double exact = (double) in[0][i] + in[1][i] + in[2][i];
            double magnitude = Math.abs(in[0][i]) + Math.abs(in[1][i]) + Math.abs(in[2][i]);
            // two float roundings of partial sums bounded by the magnitude
            assertThat(Math.abs(first[i] - exact))
                    .as("element %d", i)
                    .isLessThanOrEqualTo(2 * Math.ulp((float) magnitude));
            if (first[i] != in[0][i] + in[1][i] + in[2][i]) {
                notLeftToRight++;
            }
        }
        // The ring adds each segment in its own order: some elements differ from (a + b) + c.
        assertThat(notLeftToRight).isPositive();
    }

    @Test
    void aMillionFloatsAreSummedExactlyWhenTheSumsAreRepresentable() throws Exception {
        int n = 1_000_000;
        List<Ranks.Outcome<float[]>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            float[] x = new float[n];
                            for (int i = 0; i < n; i++) {
                                x[i] = (i % 1024) + c.rank();
                            }
                            FloatBuffer buffer = direct(x);
                            c.allReduceSum(buffer, n);
                            c.allReduceSum(buffer, n);
                            return contents(buffer, n);
                        });
        for (Ranks.Outcome<float[]> outcome : outcomes) {
            float[] r = outcome.get();
            for (int i = 0; i < n; i++) {
                // (x0 + x1) summed again on both ranks: 2 * (2 * (i % 1024) + 1)
                float want = 4f * (i % 1024) + 2f;
                if (r[i] != want) {
                    throw new AssertionError("element " + i + ": " + r[i] + " != " + want);
                }
            }
        }
    }

    @Test
    void onlyTheFirstCountFloatsAreSummedWhateverTheBuffersPosition() throws Exception {
        List<Ranks.Outcome<float[]>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            FloatBuffer buffer = direct(new float[] {1, 2, 3, 4});
                            buffer.position(3);
                            c.allReduceSum(buffer, 3);
                            assertThat(buffer.position()).isEqualTo(3);
                            return contents(buffer, 4);
                        });
        for (Ranks.Outcome<float[]> outcome : outcomes) {
            assertThat(outcome.get()).containsExactly(2, 4, 6, 4);
        }
    }

    @Test
    void ranksThatDisagreeOnTheSizeAllFailNamingTheSizes() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            int n = c.rank() == 0 ? 1000 : 2000;
                            FloatBuffer buffer = direct(new float[n]);
                            c.allReduceSum(buffer, n);
                            return contents(buffer, n);
                        });
        for (int rank = 0; rank < 2; rank++) {
            System.out.println("size mismatch: " + outcomes.get(rank).failure());
            assertThat(outcomes.get(rank).failure())
                    .as("rank %d", rank)
                    .isInstanceOf(CollectiveException.class)
                    .hasMessageStartingWith("rank " + rank + ": all-reduce #1 of ")
                    .hasMessageContaining("disagree on the size, from 1,000 to 2,000 floats");
        }
    }

    @Test
    void aRankThatStopsCallingMakesTheOtherFailWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        CountDownLatch survivorDone = new CountDownLatch(1);
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        timeout,
                        c -> {
                            FloatBuffer buffer = direct(new float[1000]);
                            c.allReduceSum(buffer, 1000);
                            if (c.rank() == 1) {
                                // stops responding: never makes the second call
                                survivorDone.await(60, TimeUnit.SECONDS);
                                return null;
                            }
                            long started = System.nanoTime();
                            try {
                                c.allReduceSum(buffer, 1000);
                                return null;
                            } finally {
                                long s =
                                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                                survivorDone.countDown();
                                // a safety net, not a speed assertion
                                assertThat(s).isLessThan(30);
                            }
                        });
        System.out.println(
                "unresponsive peer, after "
                        + TimeUnit.NANOSECONDS.toMillis(outcomes.get(0).nanos())
                        + " ms in rank 0's thread: "
                        + outcomes.get(0).failure());
        assertThat(outcomes.get(0).failure())
                .isInstanceOf(CollectiveException.class)
                .hasMessageStartingWith(
                        "rank 0: all-reduce #2 of 1,000 floats did not complete within 3 s")
                .hasMessageContaining("its peer rank 1 is not responding");
        assertThat(outcomes.get(1).failure()).isNull();
    }

    @Test
    void aRankThatLeavesMakesTheOtherFailNamingTheCall() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            FloatBuffer buffer = direct(new float[1000]);
                            c.allReduceSum(buffer, 1000);
                            if (c.rank() == 1) {
                                c.close(); // as a process that dies would, between two steps
                                return null;
                            }
                            c.allReduceSum(buffer, 1000);
                            return null;
                        });
        System.out.println("peer left: " + outcomes.get(0).failure());
        assertThat(outcomes.get(0).failure())
                .isInstanceOf(CollectiveException.class)
                .hasMessageStartingWith("rank 0: all-reduce #2 of 1,000 floats ")
                .hasMessageContaining("peer");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(outcomes.get(0).nanos())).isLessThan(60);
        assertThat(outcomes.get(1).failure()).isNull();
    }

    @Test
    void aFailedCollectiveRefusesFurtherCalls() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        TIMEOUT,
                        c -> {
                            int n = c.rank() == 0 ? 10 : 20;
                            FloatBuffer buffer = direct(new float[n]);
                            assertThatThrownBy(() -> c.allReduceSum(buffer, n))
                                    .isInstanceOf(CollectiveException.class);
                            c.allReduceSum(buffer, n);
                            return null;
                        });
        for (Ranks.Outcome<Object> outcome : outcomes) {
            assertThat(outcome.failure())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed before and is unusable")
                    .hasMessageContaining("disagree on the size");
        }
    }

    @Test
    void joiningWithAnotherWorldSizeThanTheCoordinatorsFails() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        (coordinates, rank) ->
                                provider.join(coordinates, rank, rank == 0 ? 3 : 2, TIMEOUT),
                        c -> null);
        assertThat(outcomes.get(0).failure())
                .isInstanceOf(CollectiveException.class)
                .hasMessage(
                        "rank 0: joining a group of 3 ranks failed: the tracker made it rank 0 of"
                                + " 2 ranks; the world size given to this rank and to the"
                                + " coordinator differ");
    }

    @Test
    void twoWorkersJoiningAsOneRankFailNamingTheRankTheTrackerGave() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        2,
                        (coordinates, rank) -> provider.join(coordinates, 0, 2, TIMEOUT),
                        c -> null);
        List<Throwable> failures =
                outcomes.stream().map(Ranks.Outcome::failure).filter(f -> f != null).toList();
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0))
                .isInstanceOf(CollectiveException.class)
                .hasMessage(
                        "rank 0: joining a group of 2 ranks failed: the tracker made it rank 1 of"
                                + " 2; each rank in 0..1 must join once");
    }

    @Test
    void callsFromAnotherThreadOrWithAHeapBufferAreRefused() throws Exception {
        List<Ranks.Outcome<Object>> outcomes =
                Ranks.run(
                        provider,
                        1,
                        TIMEOUT,
                        c -> {
                            assertThatThrownBy(() -> c.allReduceSum(FloatBuffer.allocate(4), 4))
                                    .isInstanceOf(IllegalArgumentException.class)
                                    .hasMessageContaining("a heap buffer");
                            assertThatThrownBy(() -> c.allReduceSum(direct(new float[4]), 5))
                                    .isInstanceOf(IllegalArgumentException.class);
                            Throwable[] other = new Throwable[1];
                            Thread t =
                                    new Thread(
                                            () -> {
                                                try {
                                                    c.allReduceSum(direct(new float[4]), 4);
                                                } catch (Throwable e) {
                                                    other[0] = e;
                                                }
                                            },
                                            "helper");
                            t.start();
                            t.join();
                            assertThat(other[0])
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("belongs to thread 'rank-0'");
                            FloatBuffer one = direct(new float[] {7});
                            c.allReduceSum(one, 1);
                            assertThat(one.get(0)).isEqualTo(7f);
                            return null;
                        });
        outcomes.get(0).get();
    }

    @Test
    void aCoordinatorThatNoRankJoinedStopsAtOnce() {
        long started = System.nanoTime();
        provider.coordinate(2, Duration.ofSeconds(60)).close();
        // a safety net, not a speed assertion: the connect timeout is 60 s
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
    }

    @Test
    void theCoordinatorBindsTheLoopbackInterface() {
        try (var coordinator = provider.coordinate(1, Duration.ofSeconds(5))) {
            assertThat(coordinator.coordinates())
                    .containsEntry("dmlc_tracker_uri", "127.0.0.1")
                    .containsKey("dmlc_tracker_port");
            try (Collective c =
                    provider.join(coordinator.coordinates(), 0, 1, Duration.ofSeconds(5))) {
                assertThat(c.rank()).isZero();
                assertThat(c.worldSize()).isEqualTo(1);
            }
        }
    }
}
