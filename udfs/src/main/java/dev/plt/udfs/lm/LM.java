package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.RequestType;
import java.util.List;

/**
 * A language model as lm-evaluation-harness sees one: three calls, each taking the requests of many
 * samples and answering every request, in request order. A request that cannot be answered gets an
 * error response ({@link LmResponse#failed}); it never fails the call.
 */
public interface LM {
    /** lm-eval's {@code loglikelihood}: (log p(continuation | context), would greedy decoding produce it). */
    List<LmResponse> loglikelihood(List<LoglikelihoodRequest> requests);

    /** lm-eval's {@code loglikelihood_rolling}: each document's total log-likelihood, in rolling windows. */
    List<LmResponse> loglikelihoodRolling(List<LoglikelihoodRollingRequest> requests);

    /** lm-eval's {@code generate_until}: greedy text after the context, cut before a stop string. */
    List<LmResponse> generateUntil(List<GenerateUntilRequest> requests);

    /** The call for {@code type} (lm-eval's {@code getattr(lm, reqtype)}); every request must be of that type. */
    default List<LmResponse> answer(RequestType type, List<Request> requests) {
        return switch (type) {
            case LOGLIKELIHOOD -> loglikelihood(cast(requests, LoglikelihoodRequest.class));
            case LOGLIKELIHOOD_ROLLING -> loglikelihoodRolling(cast(requests, LoglikelihoodRollingRequest.class));
            case GENERATE_UNTIL -> generateUntil(cast(requests, GenerateUntilRequest.class));
        };
    }

    private static <R extends Request> List<R> cast(List<Request> requests, Class<R> type) {
        for (Request r : requests) {
            if (!type.isInstance(r)) {
                throw new IllegalArgumentException("a " + r.type() + " request among " + type.getSimpleName() + "s");
            }
        }
        return requests.stream().map(type::cast).toList();
    }
}
