package dev.plt.datasets.readers;

import dev.plt.model.errors.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * CSV files as records for multi-line CSV, where a quoted field may hold newlines: rows of
 * {@link LineIndexedText#SCHEMA} (a record's number is that of its first line, its text its lines joined
 * by {@code \n}) plus {@link #FIRST_COLUMN}. Each file is split by one task reading it from the start,
 * as Spark's own multi-line CSV reader does; unlike that reader this one knows line numbers and decodes
 * strictly.
 *
 * <p>Only record boundaries are found here (Spark's {@code from_csv} parses each record, with the same
 * options): a quote opens at the start of a field, and inside it a doubled quote or the escape character
 * ({@code escape}, default backslash) keeps it open. A quote that is not closed by the end of the file,
 * or within the length limit, would swallow the rest of the file into one field, so the line it opens on
 * is set aside instead ({@code malformed_line}) and reading goes on from the next line.
 */
final class CsvRecords {
    /** True for the first record of its file: the header, when the files have one. */
    static final String FIRST_COLUMN = "_first_record";
    static final StructType SCHEMA = LineIndexedText.SCHEMA.add(FIRST_COLUMN, DataTypes.BooleanType, false);

    private CsvRecords() {
    }

    static Dataset<Row> read(SparkSession spark, String path, ReadOptions options) {
        Syntax syntax = Syntax.of(options.sparkOptions());
        long maxBytes = options.limits().maxLineBytes();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> all = null;
        for (String file : LineIndexedText.files(spark, path)) {
            JavaRDD<Row> records = jsc.binaryFiles(file, 1)
                    .flatMap(f -> new Records(file, open(file, f._2()), syntax, maxBytes));
            all = all == null ? records : all.union(records);
        }
        return spark.createDataFrame(all, SCHEMA);
    }

    /** The file's bytes, decompressed as Spark's text source would ({@code .gz}, {@code .bz2}...). */
    private static InputStream open(String file, PortableDataStream data) throws IOException {
        InputStream in = data.open();
        CompressionCodec codec = new CompressionCodecFactory(data.getConfiguration()).getCodec(new Path(file));
        InputStream stream = codec == null ? in : codec.createInputStream(in);
        TaskContext task = TaskContext.get();
        if (task != null) { // closed even when the task stops before reading to the end
            task.addTaskCompletionListener((TaskCompletionListener) context -> {
                try {
                    stream.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return stream;
    }

    /** The characters that decide where a record ends, from Spark's CSV options. */
    record Syntax(String separator, char quote, char escape) implements Serializable {
        static Syntax of(Map<String, String> sparkOptions) {
            String sep = sparkOptions.getOrDefault("sep", sparkOptions.getOrDefault("delimiter", ","));
            String quote = sparkOptions.getOrDefault("quote", "\"");
            String escape = sparkOptions.getOrDefault("escape", "\\");
            // As Spark: an empty quote turns quoting off; "\t" may be given escaped.
            return new Syntax(sep.equals("\\t") ? "\t" : sep, quote.isEmpty() ? 0 : quote.charAt(0),
                    escape.isEmpty() ? 0 : escape.charAt(0));
        }
    }

    /** Follows quoting through the lines of one record. */
    private static final class QuoteState {
        private final Syntax syntax;
        private boolean inQuotes;
        private boolean fieldStart = true;

        QuoteState(Syntax syntax) {
            this.syntax = syntax;
        }

        /** Reads one more line of the record; true if a quoted field is still open at its end. */
        boolean openAfter(String line) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (inQuotes) {
                    if (c == syntax.escape() && syntax.escape() != syntax.quote()) {
                        i++; // the escaped character (at the end of a line: the newline)
                    } else if (c == syntax.quote()) {
                        if (i + 1 < line.length() && line.charAt(i + 1) == syntax.quote()) {
                            i++; // a doubled quote stands for one
                        } else {
                            inQuotes = false;
                        }
                    }
                } else if (fieldStart && syntax.quote() != 0 && c == syntax.quote()) {
                    inQuotes = true;
                    fieldStart = false;
                } else if (line.startsWith(syntax.separator(), i)) {
                    fieldStart = true;
                    i += syntax.separator().length() - 1;
                } else {
                    fieldStart = false;
                }
            }
            return inQuotes;
        }
    }

    private record Line(long number, byte[] bytes) {
    }

    /** The records of one file, read as they are asked for. */
    private static final class Records implements Iterator<Row> {
        private final String file;
        private final ByteLines lines;
        private final Syntax syntax;
        private final long maxBytes;
        /** Lines read ahead for a record that turned out to have an unclosed quote: read again. */
        private final Deque<Line> again = new ArrayDeque<>();
        private boolean first = true;
        private Row next;

        Records(String file, InputStream in, Syntax syntax, long maxBytes) {
            this.file = file;
            this.lines = new ByteLines(in);
            this.syntax = syntax;
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    next = advance();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = next;
            next = null;
            return row;
        }

        private Line take() throws IOException {
            if (!again.isEmpty()) {
                return again.pollFirst();
            }
            byte[] bytes = lines.next();
            return bytes == null ? null : new Line(lines.number(), bytes);
        }

        private Row advance() throws IOException {
            Line start;
            do {
                start = take();
                if (start == null) {
                    lines.close();
                    return null;
                }
            } while (spacesOnly(start.bytes())); // blank lines are skipped (but counted), as by the line reader
            if (start.bytes().length > maxBytes) {
                return record(LineIndexedText.decoded(file, start.number(), start.bytes(), maxBytes, line -> { }));
            }
            QuoteState quotes = new QuoteState(syntax);
            List<Line> record = new ArrayList<>(List.of(start));
            long size = start.bytes().length;
            boolean open = quotes.openAfter(lenient(start.bytes()));
            Line more = null;
            while (open && size <= maxBytes && (more = take()) != null) {
                record.add(more);
                size += 1 + more.bytes().length;
                open = quotes.openAfter(lenient(more.bytes()));
            }
            if (open) {
                for (int i = record.size() - 1; i > 0; i--) {
                    again.addFirst(record.get(i));
                }
                return record(RowFactory.create(file, start.number(), lenient(start.bytes()),
                        more == null ? "a quote opened on this line is not closed by the end of the file"
                                : String.format("a quote opened on this line is not closed within %,d bytes", maxBytes),
                        ErrorKind.MALFORMED_LINE.code()));
            }
            return record(LineIndexedText.decoded(file, start.number(), joined(record), maxBytes, line -> { }));
        }

        private Row record(Row line) {
            Row row = RowFactory.create(line.get(0), line.get(1), line.get(2), line.get(3), line.get(4), first);
            first = false;
            return row;
        }

        private static byte[] joined(List<Line> record) {
            if (record.size() == 1) {
                return record.get(0).bytes();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < record.size(); i++) {
                if (i > 0) {
                    out.write('\n');
                }
                out.writeBytes(record.get(i).bytes());
            }
            return out.toByteArray();
        }

        private static boolean spacesOnly(byte[] bytes) {
            for (byte b : bytes) {
                if (b != ' ') {
                    return false;
                }
            }
            return true;
        }

        private static String lenient(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
