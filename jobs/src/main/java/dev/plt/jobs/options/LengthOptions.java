package dev.plt.jobs.options;

import dev.plt.model.inference.LengthLimit;
import picocli.CommandLine.Option;

/**
 * The length options every job shares (a picocli mixin): how many positions a row may use and what
 * happens to a longer one. The default policy differs by job (evaluate truncates, as lm-eval does;
 * score, generate and infer fail the row, since a cut prompt scores something else).
 */
public final class LengthOptions {
    @Option(names = "--max-length", paramLabel = "N",
            description = "Positions a row may use (prompt + tokens to generate). Default: the model's "
                    + "max_position_embeddings.")
    Integer maxLength;

    @Option(names = "--overlong", paramLabel = "error|truncate-left",
            description = "A longer row: error (it fails with error_kind too_long) or truncate-left (its prompt "
                    + "keeps the last tokens, as lm-eval does).")
    String overlong;

    /** The limit asked for, with {@code defaultPolicy} when --overlong is not given. */
    public LengthLimit limit(LengthLimit.Overlong defaultPolicy) {
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("--max-length must be >= 1, got " + maxLength);
        }
        return new LengthLimit(maxLength == null ? 0 : maxLength,
                overlong == null ? defaultPolicy : LengthLimit.Overlong.parse(overlong));
    }

    /** The --max-length given, or null for the model's. */
    public Integer maxLength() {
        return maxLength;
    }
}
