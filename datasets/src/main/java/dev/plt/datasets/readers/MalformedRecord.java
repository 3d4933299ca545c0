package dev.plt.datasets.readers;

import java.io.Serializable;

/**
 * A line (or CSV record) that did not parse, or is not valid Unicode text.
 *
 * @param line    1-based line number in {@code file}; null where it is not known (multi-line CSV)
 * @param text    the raw text as read (bytes that are not UTF-8 shown as U+FFFD)
 * @param problem why the text is not valid Unicode; null when it simply did not parse
 */
public record MalformedRecord(String file, Long line, String text, String problem) implements Serializable {

    /** A record that did not parse. */
    public MalformedRecord(String file, Long line, String text) {
        this(file, line, text, null);
    }

    /** {@code file:line: [problem: ]text}, shortened, for messages. */
    public String describe() {
        String shown = text == null ? "" : text.length() <= 200 ? text : text.substring(0, 197) + "...";
        return file + (line == null ? "" : ":" + line) + ": " + (problem == null ? "" : problem + ": ") + shown;
    }
}
