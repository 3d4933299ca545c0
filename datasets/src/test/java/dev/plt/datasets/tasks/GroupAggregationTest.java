package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.GroupAggregation;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.datasets.tasks.metrics.TaskGroup;
import dev.plt.datasets.tasks.metrics.TaskResult;
import dev.plt.datasets.tasks.mmlu.MmluCategories;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupAggregationTest {
    private static final Map<String, Aggregation> ACC = Map.of("acc", Aggregation.MEAN);

    /** A task result from 0/1 hits per subject. */
    private static TaskResult result(Map<String, int[]> hits) {
        TaskAccumulator acc = new TaskAccumulator("mmlu", ACC);
        hits.forEach((subject, values) -> {
            for (int i = 0; i < values.length; i++) {
                acc.add(new SampleScore(subject + i, subject, Map.of("acc", MetricValue.of(values[i])), ""));
            }
        });
        return acc.result();
    }

    /** lm-eval's pooled_sample_stderr, written out from its formula. */
    private static double pooled(double[] stderrs, long[] sizes) {
        double num = 0;
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            num += (sizes[i] - 1) * stderrs[i] * stderrs[i] * sizes[i];
            total += sizes[i];
        }
        return Math.sqrt(num / (total - sizes.length) / total);
    }

    /**
     * MMLU's headline (metrics.json's metrics, the console table, the report) is lm-eval's mmlu line: the
     * outermost group over the category groups, not the plain mean over samples, which is kept beside it.
     */
    @Test
    void aGroupedTasksHeadlineIsItsOutermostGroup() {
        List<TaskGroup> groups = List.of(new TaskGroup("stem", List.of("abstract_algebra")),
                new TaskGroup("other", List.of("anatomy")), new TaskGroup("mmlu", List.of("stem", "other")));
        TaskAccumulator acc = new TaskAccumulator("mmlu", ACC, groups);
        int[][] hits = {{1, 0, 0, 1}, {1, 1, 1, 0, 1, 1, 0, 1, 1, 1}};
        String[] subjects = {"abstract_algebra", "anatomy"};
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < hits[s].length; i++) {
                acc.add(new SampleScore(subjects[s] + i, subjects[s], Map.of("acc", MetricValue.of(hits[s][i])), ""));
            }
        }
        TaskResult r = acc.result();
        MetricResult headline = r.metrics().get("acc");
        MetricResult mmlu = GroupAggregation.aggregate(r, ACC, groups).get("mmlu").get("acc");
        assertEquals(mmlu, headline);
        // by hand: stderr of 0.5 over 4 samples = sqrt(1/3)/2, of 0.8 over 10 = sqrt(0.16 * 10 / 9)/sqrt(10)
        double se1 = Math.sqrt(4.0 / 3 * 0.25) / 2;
        double se2 = Math.sqrt(10.0 / 9 * 0.16) / Math.sqrt(10);
        assertEquals(pooled(new double[] {se1, se2}, new long[] {4, 10}), headline.stderr(), 1e-12, "pooled");
        assertEquals(10.0 / 14, headline.value(), 1e-12);
        MetricResult plain = r.sampleMean().get("acc");
        assertEquals(10.0 / 14, plain.value(), 1e-12);
        assertEquals(Math.sqrt(14.0 / 13 * (10.0 / 14) * (4.0 / 14)) / Math.sqrt(14), plain.stderr(), 1e-12,
                "the plain mean's stderr: over all 14 samples");
        assertTrue(Math.abs(plain.stderr() - headline.stderr()) > 1e-4, "the two differ");
        assertTrue(new TaskAccumulator("t", ACC).result().sampleMean().isEmpty(), "no groups: the plain mean is the headline");
    }

    @Test
    void aGroupIsTheSizeWeightedMeanWithThePooledStderr() {
        Map<String, int[]> hits = new LinkedHashMap<>();
        hits.put("abstract_algebra", new int[] {1, 0, 0, 1});          // 0.5 of 4
        hits.put("anatomy", new int[] {1, 1, 1, 0, 1, 1, 0, 1, 1, 1}); // 0.8 of 10
        TaskResult r = result(hits);
        Map<String, Map<String, MetricResult>> groups = GroupAggregation.aggregate(r, ACC,
                List.of(new TaskGroup("g", List.of("abstract_algebra", "anatomy", "not_evaluated"))));
        MetricResult g = groups.get("g").get("acc");
        assertEquals((0.5 * 4 + 0.8 * 10) / 14, g.value(), 1e-12, "weighted by size, not a mean of the two means");
        assertEquals(14, g.count());
        MetricResult a = r.bySubject().get("abstract_algebra").get("acc");
        MetricResult b = r.bySubject().get("anatomy").get("acc");
        assertEquals(pooled(new double[] {a.stderr(), b.stderr()}, new long[] {4, 10}), g.stderr(), 1e-12);
        // the pooled stderr is not the flat stderr over all 14 samples (what metrics.json's top level holds)
        assertTrue(Math.abs(g.stderr() - r.metrics().get("acc").stderr()) > 1e-6);
    }

    @Test
    void aGroupOfGroupsPoolsItsMembersAggregatesAsLmEvalsMmluDoes() {
        Map<String, int[]> hits = new LinkedHashMap<>();
        hits.put("abstract_algebra", new int[] {1, 0, 0});       // stem
        hits.put("college_physics", new int[] {1, 1, 0, 0, 1}); // stem
        hits.put("philosophy", new int[] {0, 1, 1, 1});         // humanities
        hits.put("virology", new int[] {1, 0});                 // other
        TaskResult r = result(hits);
        Map<String, Map<String, MetricResult>> groups = GroupAggregation.aggregate(r, ACC, MmluCategories.groups());
        assertEquals(List.of("mmlu_stem", "mmlu_other", "mmlu_humanities", "mmlu"), List.copyOf(groups.keySet()),
                "a category without an evaluated subject is left out");
        MetricResult stem = groups.get("mmlu_stem").get("acc");
        MetricResult other = groups.get("mmlu_other").get("acc");
        MetricResult humanities = groups.get("mmlu_humanities").get("acc");
        MetricResult mmlu = groups.get("mmlu").get("acc");
        assertEquals(8, stem.count());
        assertEquals(4.0 / 8, stem.value(), 1e-12);
        assertEquals(8.0 / 14, mmlu.value(), 1e-12);
        assertEquals(pooled(new double[] {stem.stderr(), other.stderr(), humanities.stderr()}, new long[] {8, 2, 4}),
                mmlu.stderr(), 1e-12, "mmlu pools its categories (sizes = their sample counts)");
    }

    @Test
    void aMemberWithOneSampleHasNoStderrSoNeitherHasItsGroup() {
        TaskResult r = result(Map.of("anatomy", new int[] {1}, "astronomy", new int[] {0, 1}));
        MetricResult g = GroupAggregation.aggregate(r, ACC, MmluCategories.groups()).get("mmlu_stem").get("acc");
        assertEquals(2.0 / 3, g.value(), 1e-12);
        assertTrue(Double.isNaN(g.stderr()));
    }

    @Test
    void onlyMeanMetricsAreGrouped() {
        TaskAccumulator acc = new TaskAccumulator("t", Map.of("acc", Aggregation.MEAN, "ppl", Aggregation.PERPLEXITY));
        acc.add(new SampleScore("1", "anatomy", Map.of("acc", MetricValue.of(1), "ppl", new MetricValue(-3, 2)), ""));
        Map<String, MetricResult> g = GroupAggregation.aggregate(acc.result(), Map.of("acc", Aggregation.MEAN,
                "ppl", Aggregation.PERPLEXITY), MmluCategories.groups()).get("mmlu");
        assertEquals(Set.of("acc"), g.keySet());
    }

    @Test
    void theCategoriesCoverTheFiftySevenSubjectsOnce() {
        List<String> all = new ArrayList<>();
        MmluCategories.BY_CATEGORY.values().forEach(all::addAll);
        assertEquals(57, all.size());
        assertEquals(57, new HashSet<>(all).size());
        assertEquals(19, MmluCategories.BY_CATEGORY.get("stem").size());
        assertEquals(13, MmluCategories.BY_CATEGORY.get("humanities").size());
        assertEquals(12, MmluCategories.BY_CATEGORY.get("social_sciences").size());
        assertEquals(13, MmluCategories.BY_CATEGORY.get("other").size());
        assertFalse(all.contains("mmlu"));
    }
}
