package dev.kiln.lr.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import dev.kiln.events.EventStorage;
import dev.kiln.lr.schedule.PlateauSchedule.Mode;
import dev.kiln.schedule.InvalidScheduleException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlateauScheduleTest {

    private final EventStorage storage = new EventStorage();
    private long iteration;

    /** An evaluation: the metric gets a new value at the next iteration; the schedule looks. */
    private double evaluate(PlateauSchedule s, double metric) {
        storage.setIter(iteration++);
        storage.putScalar("test/accuracy", metric, false);
        s.observe(storage);
        return s.value(0.5);
    }

    @Test
    void lowersAfterPatienceEvaluationsWithoutImprovement() {
        PlateauSchedule s = new PlateauSchedule("test/accuracy", Mode.MAX, 0.5, 2, 0, 0);
        assertThat(s.value(0)).isEqualTo(1.0);
        assertThat(evaluate(s, 0.5)).isEqualTo(1.0); // first value: the best
        assertThat(evaluate(s, 0.7)).isEqualTo(1.0); // improved
        assertThat(evaluate(s, 0.7)).isEqualTo(1.0); // not better than 0.7: 1 without improvement
        assertThat(s.badEvaluations()).isEqualTo(1);
        assertThat(evaluate(s, 0.6)).isEqualTo(0.5); // 2 = patience: x 0.5
        assertThat(s.badEvaluations()).isZero();
        assertThat(evaluate(s, 0.69)).isEqualTo(0.5);
        assertThat(evaluate(s, 0.69)).isEqualTo(0.25); // 2 more: x 0.5 again
        assertThat(evaluate(s, 0.8)).isEqualTo(0.25); // improved: counting starts over
        assertThat(s.best()).contains(0.8);
    }

    @Test
    void countsOnlyNewValuesOfTheMetric() {
        PlateauSchedule s = new PlateauSchedule("test/accuracy", Mode.MIN, 0.1, 1, 0, 0);
        evaluate(s, 1.0);
        // the same value seen again at later iterations (no evaluation in between) is not counted
        s.observe(storage);
        s.observe(storage);
        assertThat(s.badEvaluations()).isZero();
        assertThat(s.value(0)).isEqualTo(1.0);
        // a new value that is not lower (mode min): patience 1 lowers at once
        assertThat(evaluate(s, 1.0)).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void cooldownIgnoresEvaluationsAfterALowering() {
        PlateauSchedule s = new PlateauSchedule("test/accuracy", Mode.MAX, 0.5, 1, 2, 0);
        evaluate(s, 0.9);
        assertThat(evaluate(s, 0.8)).isEqualTo(0.5); // lowered, cooldown 2
        assertThat(evaluate(s, 0.8)).isEqualTo(0.5); // cooldown 1 left
        assertThat(evaluate(s, 0.8)).isEqualTo(0.5); // cooldown 0 left
        assertThat(evaluate(s, 0.8)).isEqualTo(0.25); // counted again: patience 1
    }

    @Test
    void neverGoesBelowItsMinimum() {
        PlateauSchedule s = new PlateauSchedule("test/accuracy", Mode.MAX, 0.1, 1, 0, 0.05);
        evaluate(s, 0.9);
        assertThat(evaluate(s, 0.8)).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(evaluate(s, 0.8)).isEqualTo(0.05); // 0.01 would be below the minimum
        assertThat(evaluate(s, 0.8)).isEqualTo(0.05);
    }

    @Test
    void keepsItsCountersAcrossAJsonRoundTripOfItsState() {
        PlateauSchedule s = new PlateauSchedule("test/accuracy", Mode.MAX, 0.5, 3, 0, 0);
        evaluate(s, 0.9);
        evaluate(s, 0.8);
        evaluate(s, 0.85); // 2 without improvement, best 0.9
        Gson gson = new Gson();
        @SuppressWarnings("unchecked")
        Map<String, Object> saved = gson.fromJson(gson.toJson(s.saveState()), Map.class);

        PlateauSchedule resumed = new PlateauSchedule("test/accuracy", Mode.MAX, 0.5, 3, 0, 0);
        resumed.loadState(saved);
        assertThat(resumed.badEvaluations()).isEqualTo(2);
        assertThat(resumed.best()).contains(0.9);
        // the resumed run's storage starts empty; its evaluations come at later iterations
        EventStorage fresh = new EventStorage(iteration);
        fresh.putScalar("test/accuracy", 0.7, false);
        resumed.observe(fresh);
        assertThat(resumed.value(0)).isEqualTo(0.5); // the third without improvement

        PlateauSchedule restarted = new PlateauSchedule("test/accuracy", Mode.MAX, 0.5, 3, 0, 0);
        restarted.observe(fresh);
        assertThat(restarted.value(0)).isEqualTo(1.0); // without the state: a first best
    }

    @Test
    void refusesBadSettingsNamingTheKey() {
        assertThatThrownBy(() -> new PlateauSchedule("m", Mode.MAX, 1.5, 1, 0, 0))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessage("factor: must be in (0, 1), got 1.5");
        assertThatThrownBy(() -> new PlateauSchedule("m", Mode.MAX, 0.5, 0, 0, 0))
                .hasMessage("patience: must be >= 1, got 0");
        assertThatThrownBy(() -> new PlateauSchedule(null, Mode.MAX, 0.5, 1, 0, 0))
                .hasMessageStartingWith("metric: plateau needs the name of a scalar");
        assertThatThrownBy(() -> Mode.parse("maximum"))
                .hasMessage("mode: unknown mode \"maximum\"; known: min, max");
    }
}
