package dev.plt.model.rows;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;

/**
 * Why one row failed, as every job reports it: the {@code error_kind} code and a one-line message. A
 * bad input ({@link InvalidInputException}) keeps its own message; any other failure is named by its
 * class, so "NullPointerException" is not reported as a bare "null".
 */
public record RowFailure(ErrorKind kind, String message) {
    public RowFailure {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(message, "message");
    }

    public static RowFailure of(RuntimeException failure) {
        String m = failure.getMessage();
        String message = failure instanceof InvalidInputException ? String.valueOf(m)
                : failure.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return new RowFailure(ErrorKind.of(failure), message);
    }

    /** True when the engine, not the input, is at fault: worth a stack trace in the log. */
    public boolean engineFault() {
        return kind == ErrorKind.ENGINE;
    }
}
