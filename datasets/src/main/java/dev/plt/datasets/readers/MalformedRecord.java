package dev.plt.datasets.readers;

import java.io.Serializable;

/**
 * A line (or CSV record) that did not parse.
 *
 * @param line 1-based line number in {@code file}; null where it is not known (multi-line CSV)
 * @param text the raw text as read
 */
public record MalformedRecord(String file, Long line, String text) implements Serializable {

    /** {@code file:line: text}, shortened, for messages. */
    public String describe() {
        String shown = text == null ? "" : text.length() <= 200 ? text : text.substring(0, 197) + "...";
        return file + (line == null ? "" : ":" + line) + ": " + shown;
    }
}
