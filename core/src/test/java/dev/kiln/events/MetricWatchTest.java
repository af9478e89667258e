package dev.kiln.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricWatchTest {

    @Test
    void readsEachNewValueOnceAndKeepsTheBest() {
        EventStorage storage = new EventStorage();
        MetricWatch watch = new MetricWatch("test/accuracy", "max", 0.01, "kiln.x");
        assertThat(watch.poll(storage)).isEmpty();
        storage.setIter(4);
        storage.putScalar("test/accuracy", 0.5, false);
        assertThat(watch.poll(storage)).contains(new MetricWatch.Reading(0.5, 4, true));
        // nothing new at a later step
        storage.setIter(5);
        assertThat(watch.poll(storage)).isEmpty();
        storage.setIter(9);
        storage.putScalar("test/accuracy", 0.505, false);
        // not better by more than min-delta 0.01
        assertThat(watch.poll(storage)).contains(new MetricWatch.Reading(0.505, 9, false));
        storage.setIter(14);
        storage.putScalar("test/accuracy", Double.NaN, false);
        assertThat(watch.poll(storage).orElseThrow().improved()).isFalse();
        storage.setIter(19);
        storage.putScalar("test/accuracy", 0.7, false);
        assertThat(watch.poll(storage).orElseThrow().improved()).isTrue();
        assertThat(watch.best()).isEqualTo(0.7);
        assertThat(watch.bestIteration()).isEqualTo(19);
    }

    @Test
    void stateRoundTripsAndIgnoresAnotherMetricsState() {
        MetricWatch min = new MetricWatch("total_loss", "MIN", 0, "kiln.x");
        EventStorage storage = new EventStorage(3);
        storage.putScalar("total_loss", 2.0);
        min.poll(storage);
        Map<String, Object> state = new LinkedHashMap<>();
        min.saveState(state);
        assertThat(state)
                .containsEntry("metric", "total_loss")
                .containsEntry("best", 2.0)
                .containsEntry("best_iteration", 3L)
                .containsEntry("last_seen", 3L);

        MetricWatch restored = new MetricWatch("total_loss", "min", 0, "kiln.x");
        assertThat(restored.loadState(state, "x")).isTrue();
        assertThat(restored.best()).isEqualTo(2.0);
        assertThat(restored.improves(2.5)).isFalse();
        assertThat(restored.improves(1.5)).isTrue();
        // the value at iteration 3 was seen already
        assertThat(restored.poll(storage)).isEmpty();

        MetricWatch other = new MetricWatch("test/loss", "min", 0, "kiln.x");
        assertThat(other.loadState(state, "x")).isFalse();
        assertThat(other.best()).isNaN();
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> new MetricWatch("m", "up", 0, "kiln.best-checkpoint"))
                .hasMessage("kiln.best-checkpoint.mode is \"up\"; expected one of: max, min");
        assertThatThrownBy(() -> new MetricWatch(" ", "max", 0, "kiln.early-stopping"))
                .hasMessage("kiln.early-stopping.metric must name a metric");
        assertThatThrownBy(() -> new MetricWatch("m", "max", -1, "kiln.early-stopping"))
                .hasMessage("kiln.early-stopping.min-delta must be at least 0 but is -1.0");
    }
}
