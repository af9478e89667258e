package dev.kiln.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.spi.KilnExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookTest {

    @KilnExtension(name = "grad-stats", description = "a hook extension of a test")
    static class ExtensionHook implements Hook {}

    static final class PlainHook implements Hook {}

    static final class SubclassOfAnExtension extends ExtensionHook {}

    @KilnExtension(name = "listed-as")
    static final class NamedItself implements Hook {
        @Override
        public String name() {
            return "own-name";
        }
    }

    @KilnExtension(name = "best-so-far")
    static final class BestSoFar extends HookBase implements StatefulHook {
        double best = Double.NaN;

        @Override
        public Map<String, Object> saveState() {
            return Map.of("best", best);
        }

        @Override
        public void loadState(Map<String, Object> state) {
            best = ((Number) state.get("best")).doubleValue();
        }
    }

    @Test
    void aHookIsNamedAfterItsExtensionAnnotation() {
        assertThat(new ExtensionHook().name()).isEqualTo("grad-stats");
    }

    @Test
    void aHookWithoutTheAnnotationIsNamedAfterItsClass() {
        assertThat(new PlainHook().name()).isEqualTo("PlainHook");
        assertThat(new SubclassOfAnExtension().name()).isEqualTo("SubclassOfAnExtension");
    }

    @Test
    void aNameTheHookGivesItselfWins() {
        assertThat(new NamedItself().name()).isEqualTo("own-name");
    }

    @Test
    void aStatefulExtensionsStateIsKeyedByItsExtensionName() {
        TrainerBase trainer =
                new TrainerBase() {
                    @Override
                    protected void runStep() {}
                };
        BestSoFar hook = new BestSoFar();
        hook.best = 0.75;
        trainer.registerHooks(hook);
        assertThat(trainer.state().hooks()).containsOnlyKeys("best-so-far");
        assertThatThrownBy(() -> trainer.registerHooks(new BestSoFar()))
                .hasMessageContaining("two stateful hooks are named 'best-so-far'");

        TrainerBase resumed =
                new TrainerBase() {
                    @Override
                    protected void runStep() {}
                };
        BestSoFar restored = new BestSoFar();
        resumed.registerHooks(restored);
        resumed.loadState(trainer.state());
        assertThat(restored.best).isEqualTo(0.75);
    }

    @Test
    void lambdaHooksKeepTheirGivenName() {
        List<String> names = new ArrayList<>();
        names.add(LambdaHook.builder().build().name());
        names.add(LambdaHook.builder().name("stop").build().name());
        assertThat(names).containsExactly("LambdaHook", "stop");
    }
}
