package dev.kiln.lr.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.lr.schedule.CompositeSchedule.IntervalScaling;
import dev.kiln.schedule.ParamSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every schedule at chosen points, against values derived by hand from its formula. */
class ScheduleValuesTest {

    private static final double EPS = 1e-8;

    @Test
    void constantIsTheSameEverywhere() {
        ParamSchedule s = new ConstantSchedule(0.5);
        assertThat(s.value(0)).isEqualTo(0.5);
        assertThat(s.value(0.999)).isEqualTo(0.5);
    }

    @Test
    void cosineFollowsHalfACosine() {
        // end + (start - end) / 2 * (1 + cos(pi * where)), start 1, end 0
        ParamSchedule s = new CosineSchedule(1, 0);
        assertThat(s.value(0)).isCloseTo(1, within(EPS)); // (1 + cos 0) / 2 = 1
        // (1 + cos(pi/4)) / 2 = (1 + 0.70710678) / 2
        assertThat(s.value(0.25)).isCloseTo(0.85355339, within(EPS));
        assertThat(s.value(0.5)).isCloseTo(0.5, within(EPS)); // cos(pi/2) = 0
        // (1 - 0.70710678) / 2
        assertThat(s.value(0.75)).isCloseTo(0.14644661, within(EPS));
        // end 0.1: 0.1 + 0.9 / 2 * (1 + 0) = 0.55
        assertThat(new CosineSchedule(1, 0.1).value(0.5)).isCloseTo(0.55, within(EPS));
    }

    @Test
    void linearIsAStraightLine() {
        // end * where + start * (1 - where)
        assertThat(new LinearSchedule(1, 0).value(0.25)).isCloseTo(0.75, within(EPS));
        // 1 * 0.5 + 0.1 * 0.5 = 0.55
        assertThat(new LinearSchedule(0.1, 1).value(0.5)).isCloseTo(0.55, within(EPS));
        // 1 * 0.9 + 0.1 * 0.1 = 0.91
        assertThat(new LinearSchedule(0.1, 1).value(0.9)).isCloseTo(0.91, within(EPS));
    }

    @Test
    void exponentialDecaysByDecayOverTheRun() {
        // start * decay^where, start 2, decay 0.01
        ParamSchedule s = new ExponentialSchedule(2, 0.01);
        assertThat(s.value(0)).isCloseTo(2, within(EPS));
        assertThat(s.value(0.5)).isCloseTo(0.2, within(EPS)); // 2 * sqrt(0.01) = 2 * 0.1
        // 2 * 0.01^(1/4) = 2 * 0.316227766
        assertThat(s.value(0.25)).isCloseTo(0.632455532, within(EPS));
    }

    @Test
    void polynomialDecaysToZero() {
        // base * (1 - where)^power
        assertThat(new PolynomialSchedule(1, 2).value(0.5)).isCloseTo(0.25, within(EPS));
        assertThat(new PolynomialSchedule(1, 2).value(0.9)).isCloseTo(0.01, within(EPS));
        // 2 * 0.25^0.5 = 1
        assertThat(new PolynomialSchedule(2, 0.5).value(0.75)).isCloseTo(1, within(EPS));
    }

    @Test
    void stepHoldsEachValueForAnEqualPart() {
        // 3 values: index int((where + 1e-6) * 3)
        ParamSchedule s = new StepSchedule(List.of(1.0, 0.1, 0.01));
        assertThat(s.value(0)).isEqualTo(1.0);
        assertThat(s.value(0.333)).isEqualTo(1.0); // 0.999003 -> 0
        assertThat(s.value(1.0 / 3)).isEqualTo(0.1); // 1.000003 -> 1
        assertThat(s.value(0.5)).isEqualTo(0.1); // 1.500003 -> 1
        assertThat(s.value(0.7)).isEqualTo(0.01); // 2.100003 -> 2
        assertThat(s.value(0.99)).isEqualTo(0.01);
    }

    @Test
    void multiStepMultipliesByGammaAtEachMilestone() {
        // values gamma^0, gamma^1, gamma^2 = 1, 0.1, 0.01; milestones 30 and 80 of 100 iterations
        ParamSchedule s = MultiStepSchedule.withGamma(List.of(30L, 80L), 0.1, 100);
        assertThat(s.value(29 / 100.0)).isCloseTo(1, within(EPS));
        assertThat(s.value(30 / 100.0)).isCloseTo(0.1, within(EPS));
        assertThat(s.value(79 / 100.0)).isCloseTo(0.1, within(EPS));
        assertThat(s.value(80 / 100.0)).isCloseTo(0.01, within(EPS));
        assertThat(s.value(99 / 100.0)).isCloseTo(0.01, within(EPS));
        // iteration 7 of 70 is where 0.1, 0.1 * 70 rounds to 7.000000000000001 or 6.99..; either
        // way the milestone 7 has been reached
        ParamSchedule seventy = MultiStepSchedule.withGamma(List.of(7L), 0.5, 70);
        assertThat(seventy.value(7 / 70.0)).isEqualTo(0.5);
        assertThat(seventy.value(6 / 70.0)).isEqualTo(1.0);
    }

    @Test
    void stepWithFixedGammaStepsEveryCeilOfTheRunOverTheParts() {
        // base 2, 3 decays of 0.5 over 10 iterations: width ceil(10 / 4) = 3, so the values
        // 2, 1, 0.5, 0.25 start at iterations 0, 3, 6 and 9
        ParamSchedule s = new StepWithFixedGammaSchedule(2, 3, 0.5, 10);
        assertThat(s.value(0.2)).isEqualTo(2.0);
        assertThat(s.value(0.3)).isEqualTo(1.0);
        assertThat(s.value(0.5)).isEqualTo(1.0);
        assertThat(s.value(0.6)).isEqualTo(0.5);
        assertThat(s.value(0.9)).isEqualTo(0.25);
    }

    @Test
    void compositeRescaledGivesEachChildItsPartAsAWholeRun() {
        // linear 0.1 -> 1 over the first 20%, then cosine 1 -> 0 over the rest
        ParamSchedule s =
                new CompositeSchedule(
                        List.of(new LinearSchedule(0.1, 1), new CosineSchedule(1, 0)),
                        List.of(0.2, 0.8),
                        List.of(IntervalScaling.RESCALED, IntervalScaling.RESCALED));
        // 0.1 / 0.2 = 0.5 into the linear part: 0.55
        assertThat(s.value(0.1)).isCloseTo(0.55, within(EPS));
        // the cosine's start: (0.2 - 0.2) / 0.8 = 0 -> 1
        assertThat(s.value(0.2)).isCloseTo(1, within(EPS));
        // (0.6 - 0.2) / 0.8 = 0.5 -> 0.5
        assertThat(s.value(0.6)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void compositeFixedGivesEachChildTheRunsProgress() {
        ParamSchedule s =
                new CompositeSchedule(
                        List.of(new LinearSchedule(0.1, 1), new CosineSchedule(1, 0)),
                        List.of(0.2, 0.8),
                        List.of(IntervalScaling.FIXED, IntervalScaling.FIXED));
        // linear at 0.1: 1 * 0.1 + 0.1 * 0.9 = 0.19
        assertThat(s.value(0.1)).isCloseTo(0.19, within(EPS));
        // cosine at 0.6: (1 + cos(0.6 pi)) / 2 = (1 - 0.30901699) / 2
        assertThat(s.value(0.6)).isCloseTo(0.34549150, within(EPS));
    }

    @Test
    void linearWarmupRisesFromFactorTimesTheStartToTheScheduleWhereItEnds() {
        ParamSchedule cosine = new CosineSchedule(1, 0);
        ParamSchedule s = new WarmupSchedule(cosine, 0.1, 0.001, WarmupSchedule.Method.LINEAR);
        // start: 0.001 * cosine(0) = 0.001
        assertThat(s.value(0)).isCloseTo(0.001, within(EPS));
        // halfway: end = cosine(0.1) = (1 + cos(0.1 pi)) / 2 = (1 + 0.95105652) / 2 = 0.97552826;
        // 0.5 * 0.001 + 0.5 * 0.97552826 = 0.48826413
        assertThat(s.value(0.05)).isCloseTo(0.48826413, within(EPS));
        // from the end of the warmup on, the cosine itself (not shifted)
        assertThat(s.value(0.1)).isCloseTo(0.97552826, within(EPS));
        assertThat(s.value(0.5)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void constantWarmupStaysAtFactorTimesTheStart() {
        ParamSchedule s =
                new WarmupSchedule(
                        new ConstantSchedule(2), 0.25, 0.1, WarmupSchedule.Method.CONSTANT);
        assertThat(s.value(0)).isCloseTo(0.2, within(EPS)); // 0.1 * 2
        assertThat(s.value(0.2)).isCloseTo(0.2, within(EPS));
        assertThat(s.value(0.25)).isCloseTo(2, within(EPS));
    }

    @Test
    void aWarmupOfTheWholeRunNeverReachesTheSchedule() {
        // length 1: where / 1 into the warmup, from 0.5 * 1 to linear(1 -> 0) at 1 = 0
        ParamSchedule s =
                new WarmupSchedule(new LinearSchedule(1, 0), 1, 0.5, WarmupSchedule.Method.LINEAR);
        assertThat(s.value(0)).isCloseTo(0.5, within(EPS));
        assertThat(s.value(0.5)).isCloseTo(0.25, within(EPS));
    }
}
