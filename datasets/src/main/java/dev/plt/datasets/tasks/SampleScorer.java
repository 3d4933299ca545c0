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

    /** Guards the request/response pairing every scorer relies on. */
    static void requireOnePerRequest(Sample sample, List<Response> responses) {
        if (responses.size() != sample.requests().size()) {
            throw new IllegalArgumentException("sample " + sample.id() + " has " + sample.requests().size()
                    + " requests but " + responses.size() + " responses");
        }
    }
}
