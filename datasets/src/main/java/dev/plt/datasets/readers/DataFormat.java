package dev.plt.datasets.readers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;

/** The input formats the readers understand, and how a file name says which one it is. */
public enum DataFormat {
    JSONL, CSV, PARQUET, ARROW;

    /** {@code jsonl}, {@code csv}, {@code parquet} or {@code arrow}, any case. */
    public static DataFormat of(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + name + "'; formats: jsonl, csv, parquet, arrow", e);
        }
    }

    /**
     * The format a file name implies, ignoring a compression suffix Spark reads transparently
     * ({@code data.jsonl.gz} is JSONL): {@code .jsonl .ndjson .json}, {@code .csv},
     * {@code .parquet .pq}, {@code .arrow .arrows .feather .ipc}.
     */
    public static Optional<DataFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2|zst|lz4|snappy|deflate)$", "");
        int dot = lower.lastIndexOf('.');
        String ext = dot < 0 ? "" : lower.substring(dot + 1);
        return switch (ext) {
            case "jsonl", "ndjson", "json" -> Optional.of(JSONL);
            case "csv" -> Optional.of(CSV);
            case "parquet", "pq" -> Optional.of(PARQUET);
            case "arrow", "arrows", "feather", "ipc" -> Optional.of(ARROW);
            default -> Optional.empty();
        };
    }

    /**
     * The format of a directory's data files, from their names: empty when none has a known extension.
     * Files of several formats (files without a known extension count as one more) are refused before
     * anything is read: one reader would get them all and fail on the others with its own exception.
     *
     * @param where    what the files are, for the message ("--input data/")
     * @param names    the data files' names (not hidden ones)
     * @throws IllegalArgumentException naming the files of each format
     */
    public static Optional<DataFormat> ofFiles(String where, List<String> names) {
        Map<String, List<String>> byFormat = new TreeMap<>();
        for (String name : names) {
            String format = fromFileName(name).map(f -> f.name().toLowerCase(Locale.ROOT)).orElse("other");
            byFormat.computeIfAbsent(format, k -> new ArrayList<>()).add(name);
        }
        if (byFormat.size() > 1) {
            StringJoiner groups = new StringJoiner("; ");
            byFormat.forEach((format, files) -> groups.add(format + ": " + String.join(", ", files.subList(0,
                    Math.min(3, files.size()))) + (files.size() > 3 ? " and " + (files.size() - 3) + " more" : "")));
            throw new IllegalArgumentException(where + " mixes files of several formats (" + groups
                    + "); put each format in a directory of its own");
        }
        return byFormat.isEmpty() || byFormat.containsKey("other") ? Optional.empty()
                : Optional.of(of(byFormat.keySet().iterator().next()));
    }
}
