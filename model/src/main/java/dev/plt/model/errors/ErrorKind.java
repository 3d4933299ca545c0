package dev.plt.model.errors;

import java.util.Locale;

/**
 * Why a row failed, as a short stable code: the {@code error_kind} column of every job's output, and
 * the key jobs count errors by in their summaries. Codes are part of the output contract: add new
 * ones, never rename.
 */
public enum ErrorKind {
    /** The input value (text, token ids, context, choices) is null. */
    NULL_INPUT,
    /** The input is empty, or encodes to no tokens. */
    EMPTY_INPUT,
    /** Text that is not valid Unicode: bytes that do not decode as UTF-8, or a lone UTF-16 surrogate. */
    INVALID_UTF8,
    /** More tokens than the length limit (max_position_embeddings or --max-length) with --overlong error. */
    TOO_LONG,
    /** A token id below 0 or at/above the model's vocab_size. */
    TOKEN_OUT_OF_RANGE,
    /** The model produced NaN or infinite logits for this row (overflow, or NaN/Inf reached the activations). */
    NON_FINITE,
    /** An input line that could not be parsed (JSONL/CSV). */
    MALFORMED_LINE,
    /** Any other input the job cannot use (a value of the wrong type, no choices, ...). */
    INVALID_INPUT,
    /** The engine failed on this row for a reason that is not the input's (a bug, out of memory, ...). */
    ENGINE;

    /** The code written to outputs, e.g. {@code too_long}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a row failure: the one an {@link InvalidInputException} carries, else {@link #ENGINE}. */
    public static ErrorKind of(Throwable failure) {
        return failure instanceof InvalidInputException invalid ? invalid.kind() : ENGINE;
    }
}
