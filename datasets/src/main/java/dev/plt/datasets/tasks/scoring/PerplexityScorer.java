package dev.plt.datasets.tasks.scoring;

import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleScorer;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * lm-eval's {@code loglikelihood_rolling} metrics. Each document contributes its log-likelihood with
 * its word count or UTF-8 byte count; the aggregates are
 * {@code word_perplexity = exp(-sum ll / sum words)}, {@code byte_perplexity = exp(-sum ll / sum bytes)}
 * and {@code bits_per_byte = -sum ll / (sum bytes * ln 2)}.
 */
public final class PerplexityScorer implements SampleScorer {
    private static final long serialVersionUID = 1L;

    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    @Override
    public Map<String, Aggregation> metrics() {
        Map<String, Aggregation> m = new LinkedHashMap<>();
        m.put("word_perplexity", Aggregation.PERPLEXITY);
        m.put("byte_perplexity", Aggregation.PERPLEXITY);
        m.put("bits_per_byte", Aggregation.BITS_PER_BYTE);
        return m;
    }

    @Override
    public SampleScore score(Sample sample, List<Response> responses) {
        SampleScorer.requireOnePerRequest(sample, responses);
        String document = ((LoglikelihoodRollingRequest) sample.requests().get(0)).document();
        double ll = responses.get(0).loglikelihood();
        Map<String, MetricValue> values = new LinkedHashMap<>();
        values.put("word_perplexity", new MetricValue(ll, countWords(document)));
        values.put("byte_perplexity", new MetricValue(ll, countBytes(document)));
        values.put("bits_per_byte", new MetricValue(ll, countBytes(document)));
        return new SampleScore(sample.id(), sample.subject(), values, Double.toString(ll));
    }

    /**
     * lm-eval's {@code len(re.split(r"\s+", doc))}. Kept exactly, so word perplexities compare with
     * lm-eval's: a leading or trailing whitespace run counts one empty "word", and "" counts as 1.
     */
    public static int countWords(String document) {
        return WHITESPACE_RUN.split(document, -1).length;
    }

    public static int countBytes(String document) {
        return document.getBytes(StandardCharsets.UTF_8).length;
    }
}
