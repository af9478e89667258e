package dev.kiln.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventStorageTest {

    @Test
    void currentIsTheInnermostActiveStorageOfThisThreadOnly() throws Exception {
        assertThat(EventStorage.currentIfActive()).isEmpty();
        assertThatThrownBy(EventStorage::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no EventStorage is active");
        EventStorage outer = new EventStorage();
        EventStorage inner = new EventStorage();
        try (var a = outer.activate()) {
            assertThat(EventStorage.current()).isSameAs(outer);
            try (var b = inner.activate()) {
                assertThat(EventStorage.current()).isSameAs(inner);
                AtomicReference<Object> seenElsewhere = new AtomicReference<>();
                Thread t = new Thread(() -> seenElsewhere.set(EventStorage.currentIfActive()));
                t.start();
                t.join();
                assertThat(seenElsewhere.get()).isEqualTo(java.util.Optional.empty());
            }
            assertThat(EventStorage.current()).isSameAs(outer);
        }
        assertThat(EventStorage.currentIfActive()).isEmpty();
    }

    @Test
    void scalarsCarryIterationAndSmoothing() {
        EventStorage s = new EventStorage(5);
        for (int i = 0; i < 5; i++) {
            s.setIter(5 + i);
            s.putScalar("loss", 10 - i);
            s.putScalar("lr", 0.1 * (i + 1), false);
        }
        Map<String, ScalarEntry> latest = s.latest();
        assertThat(latest.get("loss")).isEqualTo(new ScalarEntry(6, 9));
        assertThat(latest.get("lr").value())
                .isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        Map<String, ScalarEntry> smoothed = s.latestWithSmoothingHint(3);
        // loss newest three: 8, 7, 6 -> median 7; lr is not smoothed
        assertThat(smoothed.get("loss")).isEqualTo(new ScalarEntry(7, 9));
        assertThat(smoothed.get("lr").value())
                .isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.smoothingHints()).containsEntry("loss", true).containsEntry("lr", false);
        assertThatThrownBy(() -> s.putScalar("lr", 1, true))
                .hasMessageContaining("'lr'")
                .hasMessageContaining("smoothingHint=false");
        assertThatThrownBy(() -> s.history("los"))
                .hasMessageContaining("no scalar named 'los'")
                .hasMessageContaining("loss");
    }

    @Test
    void nameScopesNestAndPrefixNames() {
        EventStorage s = new EventStorage();
        try (var a = s.nameScope("test")) {
            s.putScalar("accuracy", 0.9, false);
            try (var b = s.nameScope("per-class/")) {
                s.putScalar("3", 0.8, false);
                s.putHistogram("weights", new double[] {1, 2});
            }
        }
        s.putScalar("total_loss", 1);
        assertThat(s.scalarNames())
                .containsExactly("test/accuracy", "test/per-class/3", "total_loss");
        assertThat(s.histograms())
                .extracting(HistogramEvent::name)
                .containsExactly("test/per-class/weights");
    }

    @Test
    void histogramsUseTensorBoardsDefaultBucketsAndAreBounded() {
        double[] edges = HistogramEvent.defaultBucketEdges();
        // 1e-12 * 1.1^k < 1e20 for k = 0..773 (ln(1e32)/ln(1.1) = 773.1), so 774 powers plus
        // DBL_MAX on each side, and 0 in the middle: 2 * 775 + 1
        assertThat(edges).hasSize(1551);
        assertThat(edges[775]).isEqualTo(0.0);
        assertThat(edges[edges.length - 1]).isEqualTo(Double.MAX_VALUE);
        EventStorage s = new EventStorage(3);
        s.putHistogram("w", new double[] {0.0, 1.0, 1.0, -2.0});
        HistogramEvent h = s.histograms().get(0);
        assertThat(h.iteration()).isEqualTo(3);
        assertThat(h.count()).isEqualTo(4);
        assertThat(h.min()).isEqualTo(-2.0);
        assertThat(h.max()).isEqualTo(1.0);
        assertThat(h.sum()).isEqualTo(0.0);
        assertThat(h.sumSquares()).isEqualTo(6.0);
        // three non-empty buckets: (-2.x, -2.0], [0, 1e-12), [1.0, 1.1)
        assertThat(h.bucketCounts()).containsExactly(1, 1, 2);
        assertThat(h.bucketLimits()[1]).isEqualTo(1e-12);
        assertThat(h.bucketLimits()[0]).isGreaterThan(-2.0).isLessThan(-1.8);
        assertThat(h.bucketLimits()[2]).isGreaterThan(1.0).isLessThan(1.11);
        for (int i = 0; i < EventStorage.MAX_PENDING_HISTOGRAMS + 10; i++) {
            s.putHistogram("w", new double[] {i});
        }
        assertThat(s.histograms()).hasSize(EventStorage.MAX_PENDING_HISTOGRAMS);
        s.clearHistograms();
        assertThat(s.histograms()).isEmpty();
    }

    @Test
    void memoryStaysBoundedOverMillionsOfIterations() {
        EventStorage s = new EventStorage(0, 1000);
        for (int i = 0; i < 3_000_000; i++) {
            s.setIter(i);
            s.putScalar("total_loss", i % 7);
            s.putScalar("time", 0.001, true);
        }
        assertThat(s.history("total_loss").size()).isEqualTo(1000);
        assertThat(s.history("total_loss").count()).isEqualTo(3_000_000);
        assertThat(s.history("total_loss").latestIteration()).isEqualTo(2_999_999);
        assertThat(s.history("total_loss").globalAverage())
                .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-3));
    }
}
