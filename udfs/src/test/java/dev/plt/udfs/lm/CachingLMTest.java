package dev.plt.udfs.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CachingLM}: cached answers are reused, only the others reach the model, the answers keep request
 * order, and a failed answer is never reused. {@link RequestKey} tells every field apart.
 */
class CachingLMTest {
    /** A model that answers a document with its length, and fails documents starting with "!". */
    private static final class CountingLM implements LM {
        final List<String> asked = new ArrayList<>();

        @Override
        public List<LmResponse> loglikelihood(List<LoglikelihoodRequest> requests) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<LmResponse> loglikelihoodRolling(List<LoglikelihoodRollingRequest> requests) {
            List<LmResponse> out = new ArrayList<>();
            for (LoglikelihoodRollingRequest r : requests) {
                asked.add(r.document());
                out.add(r.document().startsWith("!") ? LmResponse.failed("bad", "engine", 1)
                        : LmResponse.ok(Response.rolling(-r.document().length()), r.document().length(), 0));
            }
            return out;
        }

        @Override
        public List<LmResponse> generateUntil(List<GenerateUntilRequest> requests) {
            throw new UnsupportedOperationException();
        }
    }

    /** A cache in memory that keeps what its model answered successfully, as the response store does. */
    private static final class MemoryCache implements ResponseCache {
        final Map<String, LmResponse> held = new HashMap<>();

        @Override
        public Map<String, LmResponse> answered(java.util.Set<String> keys, RequestType type) {
            Map<String, LmResponse> out = new HashMap<>();
            keys.forEach(k -> {
                if (held.containsKey(k) && !held.get(k).isError()) {
                    out.put(k, held.get(k));
                }
            });
            return out;
        }
    }

    private static List<LoglikelihoodRollingRequest> documents(String... texts) {
        return java.util.Arrays.stream(texts).map(LoglikelihoodRollingRequest::new).toList();
    }

    @Test
    void onlyTheMissingRequestsReachTheModelAndAnswersKeepRequestOrder() {
        CountingLM model = new CountingLM();
        MemoryCache cache = new MemoryCache();
        List<LoglikelihoodRollingRequest> first = documents("a", "bb", "!x");
        List<LmResponse> firstAnswers = new CachingLM(model, cache).loglikelihoodRolling(first);
        for (int i = 0; i < first.size(); i++) {
            cache.held.put(RequestKey.of(first.get(i)), firstAnswers.get(i));
        }
        model.asked.clear();

        CachingLM resumed = new CachingLM(model, cache);
        List<LmResponse> answers = resumed.loglikelihoodRolling(documents("ccc", "a", "!x", "bb"));
        assertEquals(List.of("ccc", "!x"), model.asked, "the cached answers are not asked again; the failed one is");
        assertEquals(List.of(-3.0, -1.0, Double.NaN, -2.0), answers.stream()
                .map(r -> r.isError() ? Double.NaN : r.response().loglikelihood()).toList());
        assertEquals(2, resumed.reused());
        assertEquals(2, resumed.computed());
    }

    @Test
    void requestKeysTellEveryFieldApart() {
        assertNotEquals(RequestKey.of(new LoglikelihoodRequest("ab", "c")), RequestKey.of(new LoglikelihoodRequest("a", "bc")));
        assertNotEquals(RequestKey.of(new LoglikelihoodRequest("a", "b")), RequestKey.of(new GenerateUntilRequest("a",
                List.of("b"), 1)));
        assertNotEquals(RequestKey.of(new GenerateUntilRequest("a", List.of("\n"), 1)),
                RequestKey.of(new GenerateUntilRequest("a", List.of("\n"), 2)));
        assertNotEquals(RequestKey.of(new GenerateUntilRequest("a", List.of("x", "y"), 1)),
                RequestKey.of(new GenerateUntilRequest("a", List.of("xy"), 1)));
        assertEquals(RequestKey.of(new LoglikelihoodRollingRequest("doc")),
                RequestKey.of(new LoglikelihoodRollingRequest("doc")));
    }
}
