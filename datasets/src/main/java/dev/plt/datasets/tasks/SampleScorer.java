package dev.plt.datasets.tasks;

import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Turns a sample's responses into metric values. Runs inside Spark closures, hence Serializable. */
public interface SampleScorer extends Serializable {

    /** Metric names, in report order, with how each aggregates. */
    Map<String, Aggregation> metrics();

    /** @param responses one per request of {@code sample}, in the same order */
    SampleScore score(Sample sample, List<Response> responses);

    /** lm-eval's filters, in its order: {@link LmEvalKey#NO_FILTER} unless the scorer extracts answers itself. */
    default List<String> filters() {
        return List.of(LmEvalKey.NO_FILTER);
    }

    /** lm-eval's (metric, filter) name of one of {@link #metrics()}; by default the metric, unfiltered. */
    default LmEvalKey lmEvalKey(String metric) {
        return new LmEvalKey(metric, LmEvalKey.NO_FILTER);
    }

    /**
     * A generated answer after one of this scorer's own {@link #filters()} (lm-eval's {@code filtered_resps});
     * only scorers that declare filters answer.
     */
    default String filtered(String filter, Sample sample, String response) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no filter " + filter);
    }

    /** Guards the request/response pairing every scorer relies on. */
    static void requireOnePerRequest(Sample sample, List<Response> responses) {
        if (responses.size() != sample.requests().size()) {
            throw new IllegalArgumentException("sample " + sample.id() + " has " + sample.requests().size()
                    + " requests but " + responses.size() + " responses");
        }
    }
}
