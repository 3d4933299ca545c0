package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricAccumulator;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.datasets.tasks.metrics.TaskResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static MetricAccumulator mean(double... values) {
        MetricAccumulator acc = new MetricAccumulator(Aggregation.MEAN);
        for (double v : values) {
            acc.add(MetricValue.of(v));
        }
        return acc;
    }

    @Test
    void meanStderrIsSampleSdOverRootN() {
        // [1,0,1,1]: mean 0.75; squared deviations 3 x 0.0625 + 0.5625 = 0.75; sd = sqrt(0.75/3) = 0.5;
        // stderr = 0.5 / sqrt(4) = 0.25.
        MetricResult r = mean(1, 0, 1, 1).result();
        assertEquals(0.75, r.value(), 1e-12);
        assertEquals(0.25, r.stderr(), 1e-12);
        assertEquals(4, r.count());
    }

    @Test
    void stderrOfAnotherHandCase() {
        // [2,4,4,4,5,5,7,9]: mean 5, sum of squared deviations 32, sd = sqrt(32/7), stderr = sd / sqrt(8).
        MetricResult r = mean(2, 4, 4, 4, 5, 5, 7, 9).result();
        assertEquals(5.0, r.value(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7) / Math.sqrt(8), r.stderr(), 1e-12);
    }

    @Test
    void stderrIsUndefinedForOneSample() {
        assertTrue(Double.isNaN(mean(1).result().stderr()));
    }

    @Test
    void mergingPartsEqualsOnePass() {
        MetricAccumulator left = mean(2, 4, 4);
        left.merge(mean(4, 5, 5, 7, 9));
        left.merge(mean());
        MetricResult whole = mean(2, 4, 4, 4, 5, 5, 7, 9).result();
        assertEquals(whole.value(), left.result().value(), 1e-12);
        assertEquals(whole.stderr(), left.result().stderr(), 1e-12);
        assertEquals(8, left.result().count());
    }

    @Test
    void perplexitiesAreRatiosOfSums() {
        // Two documents: ll -10 over 5 words / 20 bytes, ll -6 over 3 words / 12 bytes.
        MetricAccumulator words = new MetricAccumulator(Aggregation.PERPLEXITY);
        words.add(new MetricValue(-10, 5));
        words.add(new MetricValue(-6, 3));
        MetricAccumulator bytes = new MetricAccumulator(Aggregation.PERPLEXITY);
        bytes.add(new MetricValue(-10, 20));
        bytes.add(new MetricValue(-6, 12));
        MetricAccumulator bpb = new MetricAccumulator(Aggregation.BITS_PER_BYTE);
        bpb.add(new MetricValue(-10, 20));
        bpb.add(new MetricValue(-6, 12));
        assertEquals(Math.exp(2.0), words.result().value(), 1e-12, "exp(16 / 8)");
        assertEquals(Math.exp(0.5), bytes.result().value(), 1e-12, "exp(16 / 32)");
        assertEquals(0.5 / Math.log(2), bpb.result().value(), 1e-12, "16 / (32 ln 2)");
        assertTrue(Double.isNaN(bpb.result().stderr()));
    }

    @Test
    void taskAccumulatorBreaksDownBySubject() {
        Map<String, Aggregation> metrics = new LinkedHashMap<>();
        metrics.put("acc", Aggregation.MEAN);
        TaskAccumulator a = new TaskAccumulator("mmlu", metrics);
        a.add(score("1", "anatomy", 1));
        a.add(score("2", "anatomy", 0));
        TaskAccumulator b = new TaskAccumulator("mmlu", metrics);
        b.add(score("3", "virology", 1));
        b.add(score("4", "anatomy", 1));
        TaskResult r = a.merge(b).result();
        assertEquals(4, r.samples());
        assertEquals(0.75, r.metrics().get("acc").value(), 1e-12);
        assertEquals(2.0 / 3, r.bySubject().get("anatomy").get("acc").value(), 1e-12);
        assertEquals(3, r.bySubject().get("anatomy").get("acc").count());
        assertEquals(1.0, r.bySubject().get("virology").get("acc").value(), 1e-12);
    }

    private static SampleScore score(String id, String subject, double acc) {
        return new SampleScore(id, subject, Map.of("acc", MetricValue.of(acc)), "");
    }
}
