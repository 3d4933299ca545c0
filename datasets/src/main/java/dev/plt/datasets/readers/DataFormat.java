package dev.plt.datasets.readers;

import java.util.Locale;
import java.util.Optional;

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
}
