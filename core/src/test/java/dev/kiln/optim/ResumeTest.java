package dev.kiln.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.kiln.core.optim.Adam;
import dev.kiln.core.optim.AdamW;
import dev.kiln.core.optim.Sgd;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key property: training 50 steps, saving parameters and optimizer state as bytes, and
 * continuing 50 steps with a fresh block and a fresh optimizer gives bitwise the same parameters
 * as 100 uninterrupted steps. The learning rate is set from outside every step and drops at step
 * 60 in both runs.
 */
class ResumeTest {

    private static final int BATCH = 16;
    private static final int STEPS = 100;
    private static final int CHECKPOINT = 50;
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

    static Stream<Arguments> cases() {
        return OptimTestSupport.engines()
                .flatMap(
                        engine ->
                                Stream.of("sgd-momentum", "sgd-nesterov", "adam", "adamw")
                                        .map(optimizer -> Arguments.of(engine, optimizer)));
    }

    private static Supplier<StatefulOptimizer> optimizer(String name) {
        switch (name) {
            case "sgd-momentum":
                return () -> Sgd.builder().learningRate(0.1f).momentum(0.9f).build();
            case "sgd-nesterov":
                return () ->
                        Sgd.builder()
                                .learningRate(0.1f)
                                .momentum(0.9f)
                                .nesterov(true)
                                .weightDecay(1e-3f)
                                .decayBiasAndNorm(false)
                                .build();
            case "adam":
                return () -> Adam.builder().learningRate(0.01f).weightDecay(1e-3f).build();
            case "adamw":
                return () -> AdamW.builder().learningRate(0.01f).weightDecay(0.05f).build();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /** The rate each optimizer starts from, as built in {@link #optimizer}. */
    private static float baseRate(String name) {
        return name.startsWith("sgd") ? 0.1f : 0.01f;
    }

    /** The schedule, applied from outside by the "trainer" loop. */
    private static float learningRate(float base, int step) {
        return step < 60 ? base : base * 0.1f;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void resumedRunIsBitwiseEqualToUninterruptedRun(String engineName, String optimizerName) {
        Engine engine = Engine.getEngine(engineName);
        Supplier<StatefulOptimizer> factory = optimizer(optimizerName);
        float base = baseRate(optimizerName);

        Map<String, byte[]> initial;
        try (NDManager manager = engine.newBaseManager()) {
            engine.setRandomSeed(42);
            initial = snapshot(newBlock(manager).getParameters());
        }

        // Uninterrupted: 100 steps.
        Map<String, byte[]> uninterrupted;
        Map<String, byte[]> uninterruptedState;
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer optimizer = factory.get()) {
            SequentialBlock block = newBlock(manager);
            restore(block.getParameters(), initial);
            train(engine, manager, block, optimizer, base, 0, STEPS);
            uninterrupted = snapshot(block.getParameters());
            uninterruptedState = stateBytes(optimizer, manager);
        }

        // First half: 50 steps, then parameters and optimizer state to bytes.
        Map<String, byte[]> halfway;
        byte[] savedState;
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer optimizer = factory.get()) {
            SequentialBlock block = newBlock(manager);
            restore(block.getParameters(), initial);
            train(engine, manager, block, optimizer, base, 0, CHECKPOINT);
            halfway = snapshot(block.getParameters());
            try (NDManager out = engine.newBaseManager()) {
                savedState = StateDictCodec.encode(optimizer.stateDict(out));
            }
        }

        // Second half: fresh block (other random init), fresh optimizer, loaded from bytes.
        Map<String, byte[]> resumed;
        Map<String, byte[]> resumedState;
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer optimizer = factory.get()) {
            engine.setRandomSeed(7);
            SequentialBlock block = newBlock(manager);
            restore(block.getParameters(), halfway);
            try (NDManager in = engine.newBaseManager()) {
                optimizer.loadStateDict(StateDictCodec.decode(in, savedState));
            } // the loaded arrays are closed here: the optimizer must have copied them
            train(engine, manager, block, optimizer, base, CHECKPOINT, STEPS);
            resumed = snapshot(block.getParameters());
            resumedState = stateBytes(optimizer, manager);
        }

        assertThat(uninterrupted.keySet()).containsExactlyElementsOf(initial.keySet());
        for (String name : initial.keySet()) {
            assertThat(uninterrupted.get(name))
                    .as("%s trained", name)
                    .isNotEqualTo(initial.get(name));
            assertThat(resumed.get(name)).as("%s bitwise", name).isEqualTo(uninterrupted.get(name));
        }
        assertThat(resumedState.keySet()).containsExactlyElementsOf(uninterruptedState.keySet());
        for (String key : uninterruptedState.keySet()) {
            assertThat(resumedState.get(key)).as(key).isEqualTo(uninterruptedState.get(key));
        }

        // Sensitivity: resuming without the optimizer state does not give the same result.
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer optimizer = factory.get()) {
            SequentialBlock block = newBlock(manager);
            restore(block.getParameters(), halfway);
            train(engine, manager, block, optimizer, base, CHECKPOINT, STEPS);
            Map<String, byte[]> withoutState = snapshot(block.getParameters());
            assertThat(withoutState.get("01Linear_weight"))
                    .isNotEqualTo(uninterrupted.get("01Linear_weight"));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void memoryStaysFlat(String engineName, String optimizerName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer optimizer = optimizer(optimizerName).get()) {
            float base = baseRate(optimizerName);
            SequentialBlock block = newBlock(manager);
            train(engine, manager, block, optimizer, base, 0, 3);
            int blockArrays = manager.getManagedArrays().size();
            int optimizerArrays = optimizer.ownedArrayCount();
            train(engine, manager, block, optimizer, base, 3, 30);
            assertThat(manager.getManagedArrays()).hasSize(blockArrays);
            assertThat(optimizer.ownedArrayCount()).isEqualTo(optimizerArrays);
        }
    }

    static SequentialBlock newBlock(NDManager manager) {
        SequentialBlock block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(16).build())
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(3).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 8));
        return block;
    }

    /** A plain training loop; batch {@code step} depends only on {@code step}. */
    static void train(
            Engine engine,
            NDManager manager,
            SequentialBlock block,
            StatefulOptimizer optimizer,
            float base,
            int from,
            int to) {
        ParameterStore parameterStore = new ParameterStore(manager, false);
        for (int step = from; step < to; step++) {
            optimizer.setLearningRate(learningRate(base, step));
            try (NDManager stepManager = manager.newSubManager()) {
                Random random = new Random(1000L + step);
                float[] x = new float[BATCH * 8];
                float[] y = new float[BATCH];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] = random.nextInt(3);
                }
                NDArray data = stepManager.create(x, new Shape(BATCH, 8));
                NDArray labels = stepManager.create(y, new Shape(BATCH));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDList predictions = block.forward(parameterStore, new NDList(data), true);
                    NDArray loss = LOSS.evaluate(new NDList(labels), predictions);
                    collector.backward(loss);
                }
                optimizer.step(block.getParameters());
            }
        }
    }

    static Map<String, byte[]> snapshot(ParameterList parameters) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            values.put(parameters.keyAt(i), parameters.valueAt(i).getArray().toByteArray());
        }
        return values;
    }

    static void restore(ParameterList parameters, Map<String, byte[]> values) {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray array = parameters.valueAt(i).getArray();
            byte[] bytes = values.get(parameters.keyAt(i));
            ByteBuffer buffer = array.getManager().allocateDirect(bytes.length);
            buffer.put(bytes).rewind();
            array.set(buffer);
        }
        assertThat(snapshot(parameters)).containsOnlyKeys(values.keySet());
        snapshot(parameters).forEach((k, v) -> assertThat(v).isEqualTo(values.get(k)));
    }

    private static Map<String, byte[]> stateBytes(StatefulOptimizer optimizer, NDManager manager) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        try (NDManager out = manager.newSubManager()) {
            optimizer.stateDict(out).forEach((k, v) -> bytes.put(k, v.toByteArray()));
        }
        return bytes;
    }
}
