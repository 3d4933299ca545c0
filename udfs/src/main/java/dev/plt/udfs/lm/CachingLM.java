package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.RequestType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * lm-eval's {@code CachingLM} ({@code --use_cache}): requests an earlier run already answered are
 * answered from the cache, and only the others go to the model, keeping request order. Only successful
 * answers are reused: a request that failed is asked again. The model is expected to write its answers
 * into the cache as it computes them (a {@link ResponseSink} of the same store), so that an interrupted
 * run loses only the work in flight.
 */
public final class CachingLM implements LM {
    private final LM model;
    private final ResponseCache cache;
    private long reused;
    private long computed;

    public CachingLM(LM model, ResponseCache cache) {
        this.model = model;
        this.cache = cache;
    }

    /** Requests answered from the cache so far. */
    public long reused() {
        return reused;
    }

    /** Requests sent to the model so far. */
    public long computed() {
        return computed;
    }

    @Override
    public List<LmResponse> loglikelihood(List<LoglikelihoodRequest> requests) {
        return answer(requests, RequestType.LOGLIKELIHOOD, model::loglikelihood);
    }

    @Override
    public List<LmResponse> loglikelihoodRolling(List<LoglikelihoodRollingRequest> requests) {
        return answer(requests, RequestType.LOGLIKELIHOOD_ROLLING, model::loglikelihoodRolling);
    }

    @Override
    public List<LmResponse> generateUntil(List<GenerateUntilRequest> requests) {
        return answer(requests, RequestType.GENERATE_UNTIL, model::generateUntil);
    }

    private <R extends Request> List<LmResponse> answer(List<R> requests, RequestType type,
            Function<List<R>, List<LmResponse>> ask) {
        List<String> keys = requests.stream().map(RequestKey::of).toList();
        Map<String, LmResponse> known = cache.answered(new LinkedHashSet<>(keys), type);
        List<R> missing = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (!known.containsKey(keys.get(i))) {
                missing.add(requests.get(i));
            }
        }
        List<LmResponse> fresh = missing.isEmpty() ? List.of() : ask.apply(missing);
        if (fresh.size() != missing.size()) {
            throw new IllegalStateException(missing.size() + " requests got " + fresh.size() + " answers");
        }
        reused += requests.size() - missing.size();
        computed += missing.size();
        List<LmResponse> out = new ArrayList<>(requests.size());
        int next = 0;
        for (int i = 0; i < requests.size(); i++) {
            LmResponse cached = known.get(keys.get(i));
            out.add(cached != null ? cached : fresh.get(next++));
        }
        return out;
    }
}
