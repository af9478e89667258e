package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.kiln.data.image.HostImage;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadSafetyTest {

    private static final int SEEDS = 400;
    private static final int THREADS = 4;

    @Test
    void oneListAppliedFromFourThreadsGivesTheSequentialResults() throws Exception {
        TransformList transforms =
                TransformList.create(
                        Settings.of(
                                ConfigFactory.parseString(
                                        """
                                        transforms = [
                                          { type = random-resized-crop, size = [9, 10] }
                                          { type = random-flip }
                                          { type = random-crop, size = 8, padding = 2 }
                                          { type = resize, size = 6 }
                                          { type = normalize, mean = [0.1, 0.2, 0.3], std = [2, 3, 4] }
                                        ]"""),
                                "kiln.data.train"),
                        "transforms",
                        MapExtensions.ofPlugin());
        HostImage image = Images.ramp(3, 12, 14);
        float[] before = image.pixels().clone();
        List<float[]> sequential = new ArrayList<>();
        for (int seed = 0; seed < SEEDS; seed++) {
            sequential.add(transforms.apply(image, seed).pixels());
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                results.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    // each thread goes through every seed, starting at its own
                                    float[][] out = new float[SEEDS][];
                                    for (int i = 0; i < SEEDS; i++) {
                                        int seed = (i + offset * SEEDS / THREADS) % SEEDS;
                                        out[seed] = transforms.apply(image, seed).pixels();
                                    }
                                    return out;
                                }));
            }
            start.countDown();
            for (Future<float[][]> result : results) {
                float[][] out = result.get(60, TimeUnit.SECONDS);
                for (int seed = 0; seed < SEEDS; seed++) {
                    assertThat(out[seed]).as("seed %d", seed).containsExactly(sequential.get(seed));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(image.pixels()).containsExactly(before);
    }
}
