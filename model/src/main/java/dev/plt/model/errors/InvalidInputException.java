package dev.plt.model.errors;

/**
 * A request the model cannot run (empty input, token id out of range, non-finite logits, ...); fails
 * only that request. {@link #kind()} says why, as a stable code.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public InvalidInputException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** An input of kind {@link ErrorKind#INVALID_INPUT}. */
    public InvalidInputException(String message) {
        this(ErrorKind.INVALID_INPUT, message);
    }

    public ErrorKind kind() {
        return kind;
    }
}
