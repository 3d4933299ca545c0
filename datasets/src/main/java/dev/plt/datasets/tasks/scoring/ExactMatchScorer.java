package dev.plt.datasets.tasks.scoring;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LmEvalKey;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleScorer;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's {@code exact_match} of a generated answer after each of the task's filters ({@code filter_list}),
 * against the sample's target (lm-eval's {@code doc_to_target}, for GSM8K the whole reference solution: the
 * metric's {@code regexes_to_ignore} reduce both sides to the number). One plt metric per filter, e.g.
 * {@code exact_match_strict} for lm-eval's {@code "exact_match,strict-match"}.
 */
public final class ExactMatchScorer implements SampleScorer {
    private static final long serialVersionUID = 2L;

    private final ExactMatch match;
    /** plt metric name to the filter whose answers it scores, in lm-eval's filter order. */
    private final LinkedHashMap<String, RegexFilter> filters;

    public ExactMatchScorer(ExactMatch match, Map<String, RegexFilter> filtersByMetric) {
        this.match = match;
        this.filters = new LinkedHashMap<>(filtersByMetric);
    }

    /** The exact_match options. */
    public ExactMatch match() {
        return match;
    }

    /** The filters, in lm-eval's order. */
    public List<RegexFilter> regexFilters() {
        return List.copyOf(filters.values());
    }

    @Override
    public Map<String, Aggregation> metrics() {
        Map<String, Aggregation> m = new LinkedHashMap<>();
        filters.keySet().forEach(name -> m.put(name, Aggregation.MEAN));
        return m;
    }

    @Override
    public List<String> filters() {
        return filters.values().stream().map(RegexFilter::name).toList();
    }

    @Override
    public LmEvalKey lmEvalKey(String metric) {
        RegexFilter filter = filters.get(metric);
        if (filter == null) {
            throw new IllegalArgumentException("no metric " + metric + " (metrics: " + filters.keySet() + ")");
        }
        return new LmEvalKey("exact_match", filter.name());
    }

    @Override
    public String filtered(String filter, Sample sample, String response) {
        for (RegexFilter f : filters.values()) {
            if (f.name().equals(filter)) {
                return f.apply(generated(sample, response));
            }
        }
        throw new IllegalArgumentException("no filter " + filter + " (filters: " + filters() + ")");
    }

    @Override
    public SampleScore score(Sample sample, List<Response> responses) {
        SampleScorer.requireOnePerRequest(sample, responses);
        if (sample.invalid() != null) { // evaluations report such samples as errors instead
            throw new IllegalArgumentException(sample.invalid());
        }
        String text = generated(sample, responses.get(0).text());
        Map<String, MetricValue> values = new LinkedHashMap<>();
        String prediction = null;
        for (Map.Entry<String, RegexFilter> e : filters.entrySet()) {
            String answer = e.getValue().apply(text);
            values.put(e.getKey(), MetricValue.of(match.matches(answer, sample.target())));
            // The report shows the first filter's answer that is not lm-eval's "[invalid]".
            if (prediction == null && !answer.equals(e.getValue().fallback())) {
                prediction = answer;
            }
        }
        return new SampleScore(sample.id(), sample.subject(), values,
                prediction == null ? RegexFilter.FALLBACK : prediction);
    }

    /** The response as lm-eval's model returns it: cut at the first stop string. */
    private static String generated(Sample sample, String response) {
        GenerateUntilRequest request = (GenerateUntilRequest) sample.requests().get(0);
        return request.truncate(response == null ? "" : response);
    }
}
