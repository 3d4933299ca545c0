package dev.plt.datasets.tasks;

import java.util.List;
import java.util.Objects;

/**
 * Generate greedily after {@code context} until one of {@code until} appears or {@code maxGenTokens}
 * tokens are out. The answer text excludes the stop string, as in lm-eval.
 */
public record GenerateUntilRequest(String context, List<String> until, int maxGenTokens) implements Request {
    public GenerateUntilRequest {
        Objects.requireNonNull(context, "context");
        until = List.copyOf(until);
        if (until.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("an empty stop string would stop before the first token");
        }
        if (maxGenTokens < 1) {
            throw new IllegalArgumentException("maxGenTokens must be >= 1, got " + maxGenTokens);
        }
    }

    @Override
    public RequestType type() {
        return RequestType.GENERATE_UNTIL;
    }

    /**
     * {@code text} cut before the earliest stop string. Engines that stop on token boundaries may run
     * past a stop string; cutting here again is harmless when they did not.
     */
    public String truncate(String text) {
        int cut = text.length();
        for (String stop : until) {
            int at = text.indexOf(stop);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return text.substring(0, cut);
    }
}
