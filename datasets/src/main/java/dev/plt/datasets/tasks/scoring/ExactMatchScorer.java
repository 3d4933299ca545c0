package dev.plt.datasets.tasks.scoring;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleScorer;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exact match of a generated answer against the sample's target, with the answer found two ways
 * ({@link AnswerExtractor}): {@code exact_match_strict} and {@code exact_match_flexible}, lm-eval's
 * GSM8K {@code strict-match} and {@code flexible-extract} filters.
 */
public final class ExactMatchScorer implements SampleScorer {
    private static final long serialVersionUID = 1L;

    private final AnswerExtractor extractor;

    public ExactMatchScorer(AnswerExtractor extractor) {
        this.extractor = extractor;
    }

    @Override
    public Map<String, Aggregation> metrics() {
        Map<String, Aggregation> m = new LinkedHashMap<>();
        m.put("exact_match_strict", Aggregation.MEAN);
        m.put("exact_match_flexible", Aggregation.MEAN);
        return m;
    }

    @Override
    public SampleScore score(Sample sample, List<Response> responses) {
        SampleScorer.requireOnePerRequest(sample, responses);
        if (sample.invalid() != null) { // evaluations report such samples as errors instead
            throw new IllegalArgumentException(sample.invalid());
        }
        GenerateUntilRequest request = (GenerateUntilRequest) sample.requests().get(0);
        String text = request.truncate(responses.get(0).text() == null ? "" : responses.get(0).text());
        String reference = AnswerExtractor.normalise(sample.target());
        Optional<String> strict = extractor.strict(text).map(AnswerExtractor::normalise);
        Optional<String> flexible = extractor.flexible(text).map(AnswerExtractor::normalise);
        Map<String, MetricValue> values = new LinkedHashMap<>();
        values.put("exact_match_strict", MetricValue.of(strict.filter(reference::equals).isPresent()));
        values.put("exact_match_flexible", MetricValue.of(flexible.filter(reference::equals).isPresent()));
        // The report shows what the strict filter found, else the flexible one, as lm-eval's "[invalid]".
        String prediction = strict.or(() -> flexible).orElse("[invalid]");
        return new SampleScore(sample.id(), sample.subject(), values, prediction);
    }
}
