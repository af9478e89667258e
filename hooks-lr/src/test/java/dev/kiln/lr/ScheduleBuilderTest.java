package dev.kiln.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import dev.kiln.lr.schedule.PlateauSchedule;
import dev.kiln.lr.schedule.WarmupSchedule;
import dev.kiln.schedule.ParamSchedule;
import org.junit.jupiter.api.Test;

/** Schedules built from config sections, and every bad input refused with the key named. */
class ScheduleBuilderTest {

    private static final double EPS = 1e-8;

    private final ScheduleBuilder builder = ScheduleBuilder.builtIn(0.1);

    private ParamSchedule build(String hocon, long maxIter) {
        return builder.build(ConfigFactory.parseString(hocon), maxIter);
    }

    private static final String KNOWN =
            "known: composite, constant, cosine, exponential, linear, multi-step, plateau,"
                    + " polynomial, step, step-with-fixed-gamma";

    @Test
    void noScheduleIsAConstantOne() {
        ParamSchedule s = build("", 100);
        assertThat(s.value(0)).isEqualTo(1.0);
        assertThat(s.value(0.99)).isEqualTo(1.0);
        assertThat(s).isNotInstanceOf(WarmupSchedule.class);
    }

    @Test
    void eachTypeReadsItsKeysWithTheDefaultsForTheOthers() {
        // cosine, end 0 by default: (1 + cos(pi/2)) / 2
        assertThat(build("type = cosine", 100).value(0.5)).isCloseTo(0.5, within(EPS));
        assertThat(build("type = linear, start-value = 0.1, end-value = 1", 100).value(0.5))
                .isCloseTo(0.55, within(EPS));
        // decay 0.1 by default: 1 * 0.1^0.5
        assertThat(build("type = exponential", 100).value(0.5)).isCloseTo(0.316227766, within(EPS));
        assertThat(build("type = polynomial, power = 2", 100).value(0.5))
                .isCloseTo(0.25, within(EPS));
        assertThat(build("type = step, values = [1, 0.5]", 100).value(0.5)).isEqualTo(0.5);
        // milestones in iterations of max-iter 200: iteration 100 is where 0.5
        ParamSchedule multi = build("type = multi-step, milestones = [100, 150], gamma = 0.5", 200);
        assertThat(multi.value(99 / 200.0)).isEqualTo(1.0);
        assertThat(multi.value(100 / 200.0)).isEqualTo(0.5);
        assertThat(multi.value(150 / 200.0)).isEqualTo(0.25);
        // num-decays 2, gamma 0.1 by default; width ceil(90 / 3) = 30
        ParamSchedule fixed = build("type = step-with-fixed-gamma", 90);
        assertThat(fixed.value(29 / 90.0)).isEqualTo(1.0);
        assertThat(fixed.value(30 / 90.0)).isCloseTo(0.1, within(EPS));
        assertThat(fixed.value(60 / 90.0)).isCloseTo(0.01, within(EPS));
        assertThat(build("type = plateau, metric = test/accuracy", 100))
                .isInstanceOf(PlateauSchedule.class);
    }

    @Test
    void aWarmupWrapsAnyType() {
        ParamSchedule s =
                build(
                        "type = cosine, warmup { length = 0.1, factor = 0.001, method = linear }",
                        1000);
        assertThat(s).isInstanceOf(WarmupSchedule.class);
        // 0.001 * cosine(0); halfway to cosine(0.1) = 0.97552826: (0.001 + 0.97552826) / 2
        assertThat(s.value(0)).isCloseTo(0.001, within(EPS));
        assertThat(s.value(0.05)).isCloseTo(0.48826413, within(EPS));
        assertThat(s.value(0.5)).isCloseTo(0.5, within(EPS));
        ParamSchedule constant =
                build(
                        "type = multi-step, milestones = [50], warmup { length = 0.2, method ="
                                + " constant }",
                        100);
        assertThat(constant.value(0.1)).isCloseTo(0.001, within(EPS)); // factor 0.001 by default
        assertThat(constant.value(0.3)).isEqualTo(1.0);
        assertThat(constant.value(0.5)).isCloseTo(0.1, within(EPS));
    }

    @Test
    void compositeBuildsItsChildrenByTypeRescaledOrFixed() {
        String children =
                "schedules = [{type = linear, start-value = 0.1, end-value = 1}, {type = cosine}],"
                        + " lengths = [0.2, 0.8]";
        ParamSchedule rescaled = build("type = composite, " + children, 100);
        assertThat(rescaled.value(0.1)).isCloseTo(0.55, within(EPS)); // linear at 0.5
        assertThat(rescaled.value(0.6)).isCloseTo(0.5, within(EPS)); // cosine at 0.5
        ParamSchedule fixed = build("type = composite, interval-scaling = fixed, " + children, 100);
        assertThat(fixed.value(0.1)).isCloseTo(0.19, within(EPS)); // linear at 0.1
        assertThat(fixed.value(0.6)).isCloseTo(0.34549150, within(EPS)); // cosine at 0.6
    }

    @Test
    void aRescaledChildCountsMilestonesFromItsOwnStart() {
        // the second half of 200 iterations is a child of 100 iterations: its milestone 50 is
        // iteration 150 of the run
        ParamSchedule s =
                build(
                        "type = composite, lengths = [0.5, 0.5], schedules = [{type = constant},"
                                + " {type = multi-step, milestones = [50]}]",
                        200);
        assertThat(s.value(149 / 200.0)).isEqualTo(1.0);
        assertThat(s.value(150 / 200.0)).isCloseTo(0.1, within(EPS));
    }

    @Test
    void milestonesMustIncreaseAndStayBeforeMaxIter() {
        assertThatThrownBy(() -> build("type = multi-step, milestones = [50, 30]", 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "String: kiln.lr-schedule.milestones: must be strictly increasing"
                                + " iterations, each > 0 and < max-iter (100); got [50, 30]");
        assertThatThrownBy(() -> build("type = multi-step, milestones = [50, 100]", 100))
                .hasMessageContaining("kiln.lr-schedule.milestones: must be strictly increasing")
                .hasMessageContaining("got [50, 100]");
    }

    @Test
    void warmupLengthMustBeAFractionOfTheRun() {
        assertThatThrownBy(() -> build("type = cosine, warmup.length = 1.5", 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "String: kiln.lr-schedule.warmup.length: must be a fraction of the run in"
                                + " [0, 1], got 1.5");
        assertThatThrownBy(() -> build("type = cosine, warmup.length = -0.1", 100))
                .hasMessageContaining("kiln.lr-schedule.warmup.length: must be a fraction");
        assertThatThrownBy(() -> build("warmup { length = 0.1, method = cubic }", 100))
                .hasMessage(
                        "String: kiln.lr-schedule.warmup.method: unknown method \"cubic\";"
                                + " known: linear, constant");
    }

    @Test
    void compositeLengthsMustSumToOne() {
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [0.5, 0.4], schedules = [{type"
                                                + " = constant}, {type = cosine}]",
                                        100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "String: kiln.lr-schedule.lengths: must sum to 1, got [0.5, 0.4]");
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [1], schedules = [{type ="
                                                + " constant}, {type = cosine}]",
                                        100))
                .hasMessageContaining(
                        "kiln.lr-schedule.lengths: needs one length per schedule (2)");
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> build("type = cosin", 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "String: kiln.lr-schedule.type: unknown schedule type \"cosin\"; did you"
                                + " mean cosine?; "
                                + KNOWN);
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [0.5, 0.5], schedules = [{type"
                                                + " = constant}, {type = sawtooth}]",
                                        100))
                .hasMessageContaining(
                        "kiln.lr-schedule.schedules[1].type: unknown schedule type \"sawtooth\"")
                .hasMessageEndingWith(KNOWN);
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [1], schedules = [{value ="
                                                + " 2}]",
                                        100))
                .hasMessageContaining("kiln.lr-schedule.schedules[0]: a schedule needs a type");
    }

    @Test
    void aKeyOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> build("type = cosine, gamma = 0.5", 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "String: kiln.lr-schedule.gamma: not a key of schedule type cosine; it"
                                + " takes: end-value, start-value, type, warmup");
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [1],"
                                                + " schedules = [{type = step, milestones = [3]}]",
                                        100))
                .hasMessageContaining(
                        "kiln.lr-schedule.schedules[0].milestones: not a key of schedule type"
                                + " step");
        // a key at its default value changes nothing, so it is accepted
        assertThat(build("type = cosine, gamma = 0.1", 100).value(0)).isEqualTo(1.0);
    }

    @Test
    void badValuesOfChildrenNameTheChild() {
        assertThatThrownBy(
                        () ->
                                build(
                                        "type = composite, lengths = [0.5, 0.5], schedules ="
                                                + " [{type = constant}, {type = multi-step,"
                                                + " milestones = [60]}]",
                                        100))
                // the child spans 50 iterations
                .hasMessageContaining(
                        "kiln.lr-schedule.schedules[1].milestones: must be strictly increasing"
                                + " iterations, each > 0 and < max-iter (50); got [60]");
        assertThatThrownBy(() -> build("type = plateau", 100))
                .hasMessageContaining(
                        "kiln.lr-schedule.metric: plateau needs the name of a scalar");
    }
}
