package dev.plt.datasets.readers;

import dev.plt.model.errors.ErrorKind;
import java.io.Serializable;

/**
 * A line (or CSV record) that did not parse, or was set aside before parsing.
 *
 * @param line    1-based line number in {@code file} (a CSV record's first line); null where unknown
 * @param text    the raw text as read (bytes that are not UTF-8 shown as U+FFFD; a line over the length
 *                limit cut to its beginning)
 * @param problem why it was set aside (not valid Unicode, too long, nested too deep, a value of the
 *                wrong JSON type); null when it simply did not parse
 * @param kind    the {@link ErrorKind} code its error row gets: that of the problem, else
 *                {@code malformed_line}
 */
public record MalformedRecord(String file, Long line, String text, String problem, String kind)
        implements Serializable {

    public MalformedRecord {
        kind = kind == null ? ErrorKind.MALFORMED_LINE.code() : kind;
    }

    /** A record that did not parse. */
    public MalformedRecord(String file, Long line, String text) {
        this(file, line, text, null, null);
    }

    /** {@code file:line: [problem: ]text}, shortened, for messages. */
    public String describe() {
        String shown = text == null ? "" : text.length() <= 200 ? text : text.substring(0, 197) + "...";
        return file + (line == null ? "" : ":" + line) + ": " + (problem == null ? "" : problem + ": ") + shown;
    }
}
