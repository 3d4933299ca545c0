package dev.plt.model.inference;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How many positions one row may use, and what happens to a row that needs more: it fails with
 * {@link ErrorKind#TOO_LONG}, or its prompt loses its first tokens (lm-evaluation-harness keeps the
 * last {@code max_length} tokens the same way).
 *
 * @param maxLength positions a row may use; 0 stands for the model's {@code max_position_embeddings}
 *                  until {@link #forModel} resolves it
 */
public record LengthLimit(int maxLength, Overlong overlong) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What to do with a row longer than the limit. */
    public enum Overlong {
        /** The row fails with {@link ErrorKind#TOO_LONG}. */
        ERROR,
        /** The prompt keeps its last tokens, as lm-eval does. */
        TRUNCATE_LEFT;

        /** Parses the option value {@code error} or {@code truncate-left}. */
        public static Overlong parse(String value) {
            for (Overlong o : values()) {
                if (o.option().equals(value)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("--overlong must be 'error' or 'truncate-left', got '" + value + "'");
        }

        /** The option value: {@code error} or {@code truncate-left}. */
        public String option() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public LengthLimit {
        if (maxLength < 0) {
            throw new IllegalArgumentException("--max-length must be >= 1, got " + maxLength);
        }
        if (overlong == null) {
            throw new IllegalArgumentException("overlong policy must be set");
        }
    }

    /** The model's max_position_embeddings, and rows failing beyond it. */
    public static LengthLimit modelDefault() {
        return new LengthLimit(0, Overlong.ERROR);
    }

    /** This limit with 0 replaced by the model's {@code max_position_embeddings}. */
    public LengthLimit forModel(ModelConfig config) {
        return maxLength > 0 ? this : new LengthLimit(config.maxPositionEmbeddings(), overlong);
    }

    /**
     * {@code ids} if they fit in the limit with {@code reserved} more positions after them (tokens to
     * generate, a continuation to score); else their last tokens that do, or a {@link ErrorKind#TOO_LONG}
     * failure.
     */
    public int[] fit(int[] ids, int reserved) {
        if (maxLength == 0) {
            throw new IllegalStateException("resolve the limit with forModel(config) first");
        }
        int room = maxLength - reserved; // reserved is -1 for a scored sequence (fitScored)
        if (ids.length <= room) {
            return ids;
        }
        if (overlong == Overlong.ERROR || room < 1) {
            throw new InvalidInputException(ErrorKind.TOO_LONG, ids.length + " tokens"
                    + (reserved > 0 ? " + " + reserved + " more positions (tokens to generate or score)" : "")
                    + " exceed the length limit of " + maxLength + " (max_position_embeddings or --max-length)"
                    + (reserved < 0 ? ", plus the scored last token" : "")
                    + (room < 1 ? "" : "; --overlong truncate-left would keep the last " + room));
        }
        return Arrays.copyOfRange(ids, ids.length - room, ids.length);
    }

    /**
     * A sequence to score: every token but the first is a target and the last is never fed as context
     * (see {@link Scorer#score}), so it uses one position fewer than it has tokens and may hold
     * {@code maxLength + 1} tokens. A rolling perplexity window of {@code maxLength} predictions is
     * exactly that long.
     */
    public int[] fitScored(int[] ids) {
        return fit(ids, -1);
    }
}
