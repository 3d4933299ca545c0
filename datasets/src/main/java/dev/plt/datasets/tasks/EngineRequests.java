package dev.plt.datasets.tasks;

import dev.plt.model.inference.ContinuationScore;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.Scorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The bridge between task requests and the PLT engine's calls ({@code PltModel.loglikelihood},
 * {@code PltModel.generate}): tokens in, {@link Response}s out.
 */
public final class EngineRequests {
    private EngineRequests() {
    }

    /**
     * A multiple-choice sample as one engine request: the shared context once, every choice's
     * continuation, each pair encoded as lm-eval does ({@link PairEncoding}).
     *
     * @throws IllegalArgumentException if the sample's requests are not loglikelihood requests on one context
     */
    public static Scorer.Request loglikelihood(Sample sample, TextEncoder encoder, OptionalInt prefixToken) {
        int[] context = null;
        List<int[]> continuations = new ArrayList<>();
        for (Request request : sample.requests()) {
            if (!(request instanceof LoglikelihoodRequest ll)) {
                throw new IllegalArgumentException("sample " + sample.id() + " has a " + request.type() + " request");
            }
            PairEncoding.EncodedPair pair = PairEncoding.encode(encoder, ll.context(), ll.continuation(), prefixToken);
            if (context != null && !Arrays.equals(context, pair.context())) {
                throw new IllegalArgumentException("sample " + sample.id() + ": requests do not share one context");
            }
            context = pair.context();
            continuations.add(pair.continuation());
        }
        return new Scorer.Request(context, continuations);
    }

    /** The engine's scores of one request, as responses in the same order. */
    public static List<Response> responses(List<ContinuationScore> scores) {
        return scores.stream().map(s -> Response.loglikelihood(s.logprob(), s.greedy())).toList();
    }

    /** lm-eval's generate_until settings: greedy, the token budget, cut before the stop strings. */
    public static GenerationParams generation(GenerateUntilRequest request) {
        return GenerationParams.greedy(request.maxGenTokens()).withStopStrings(request.until());
    }
}
