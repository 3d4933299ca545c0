package dev.plt.model.inference;

import java.util.List;
import java.util.Set;

/**
 * How to pick generated tokens.
 *
 * @param maxNewTokens  upper bound on generated tokens (0 generates nothing)
 * @param temperature   0 for greedy; otherwise logits are divided by it before sampling
 * @param topK          keep the k most likely tokens (0 = all)
 * @param topP          keep the smallest set of most likely tokens whose probability reaches p (1 = all)
 * @param seed          sampling seed; each sequence gets its own generator seeded with it, so a
 *                      sequence's tokens do not depend on what else is in the batch
 * @param stopTokens    token ids that end a sequence (not included in the output)
 * @param stopStrings   strings that end a sequence; the text is cut before them (needs a tokenizer)
 */
public record GenerationParams(int maxNewTokens, double temperature, int topK, double topP, long seed,
        Set<Integer> stopTokens, List<String> stopStrings) implements java.io.Serializable {

    public GenerationParams {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max_new_tokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        stopTokens = Set.copyOf(stopTokens);
        stopStrings = List.copyOf(stopStrings);
    }

    public static GenerationParams greedy(int maxNewTokens) {
        return new GenerationParams(maxNewTokens, 0, 0, 1, 0, Set.of(), List.of());
    }

    public GenerationParams withStopTokens(Set<Integer> tokens) {
        return new GenerationParams(maxNewTokens, temperature, topK, topP, seed, tokens, stopStrings);
    }

    public GenerationParams withStopStrings(List<String> strings) {
        return new GenerationParams(maxNewTokens, temperature, topK, topP, seed, stopTokens, strings);
    }

    public GenerationParams withSampling(double newTemperature, int newTopK, double newTopP, long newSeed) {
        return new GenerationParams(maxNewTokens, newTemperature, newTopK, newTopP, newSeed, stopTokens, stopStrings);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
