package dev.plt.jobs.output;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.security.AccessControlException;

/** One readable cause for an I/O failure: a full disk, a permission, a missing directory. */
public final class OutputErrors {
    private OutputErrors() {
    }

    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return "the disk is full (" + firstLine(message) + ")";
            }
            if (t instanceof AccessDeniedException || t instanceof AccessControlException
                    || message.contains("Permission denied")) {
                return "permission denied (" + firstLine(message) + ")";
            }
            if (t instanceof NoSuchFileException missing) {
                return missing.getFile() + ": no such file or directory";
            }
            if (t instanceof FileAlreadyExistsException exists) {
                return exists.getFile() + " already exists";
            }
        }
        return e instanceof IOException ? firstLine(e.getMessage()) : e.getClass().getSimpleName() + ": "
                + firstLine(e.getMessage());
    }

    /** Whether {@code e} (or a cause) is a full disk or a permission problem: a job-level I/O failure. */
    public static boolean isStorageFailure(Throwable e) {
        String described = describe(e);
        return described.startsWith("the disk is full") || described.startsWith("permission denied");
    }

    /** The first line of a message, stripped; "" for none. */
    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message.strip() : message.substring(0, newline).strip();
    }
}
