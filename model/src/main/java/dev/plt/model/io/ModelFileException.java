package dev.plt.model.io;

import java.nio.file.Path;

/**
 * A checkpoint or tokenizer file is missing, unreadable or malformed. Messages are one line and always
 * name the file (and the tensor, when one is involved) so a user can act on them without a stack trace.
 */
public class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{file}: {detail}". */
    public static ModelFileException of(Path file, String detail) {
        return new ModelFileException(file + ": " + detail);
    }

    /** "{file}: tensor '{tensor}' {detail}". */
    public static ModelFileException of(Path file, String tensor, String detail) {
        return new ModelFileException(file + ": tensor '" + tensor + "' " + detail);
    }

    /**
     * "{file}: {detail}: {first line of the cause's message}". Parser messages often continue with a
     * source excerpt on further lines; only the first line is kept so the message stays one line.
     */
    public static ModelFileException wrap(Path file, String detail, Throwable cause) {
        return new ModelFileException(file + ": " + detail + ": " + firstLine(cause), cause);
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
