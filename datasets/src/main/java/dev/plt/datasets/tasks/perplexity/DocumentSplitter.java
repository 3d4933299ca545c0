package dev.plt.datasets.tasks.perplexity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cuts a text file into the documents whose perplexity is measured. Each document is scored on its own
 * (its first token sees no earlier text), so fewer, longer documents give lower perplexity; the choice
 * belongs in the report next to the number.
 */
public enum DocumentSplitter {
    /** The whole file is one document (lm-eval's choice for a corpus like wikitext pages). */
    WHOLE,
    /** Paragraphs: runs of text between blank lines; the blank lines themselves are not scored. */
    BLANK_LINES,
    /**
     * Consecutive pieces of at most {@code chunkChars} characters, each ending at the last line break
     * that fits (a hard cut only for a longer line). Their concatenation is the file, so every byte
     * is scored exactly once.
     */
    CHUNKS;

    private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n\\s*");

    public static DocumentSplitter of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("documents must be whole, blank_lines or chunks, got '" + name + "'", e);
        }
    }

    public List<String> split(String text, int chunkChars) {
        return switch (this) {
            case WHOLE -> text.isEmpty() ? List.of() : List.of(text);
            case BLANK_LINES -> paragraphs(text);
            case CHUNKS -> chunks(text, chunkChars);
        };
    }

    private static List<String> paragraphs(String text) {
        List<String> out = new ArrayList<>();
        for (String paragraph : BLANK_LINE.split(text.replace("\r\n", "\n"))) {
            String trimmed = paragraph.strip();
            if (!trimmed.isEmpty()) {
                out.add(trimmed);
            }
        }
        return out;
    }

    private static List<String> chunks(String text, int chunkChars) {
        if (chunkChars < 1) {
            throw new IllegalArgumentException("chunk_chars must be >= 1, got " + chunkChars);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + chunkChars);
            if (end < text.length()) {
                int newline = text.lastIndexOf('\n', end - 1);
                if (newline >= start) {
                    end = newline + 1;
                } else if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--; // never split a surrogate pair
                }
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }
}
