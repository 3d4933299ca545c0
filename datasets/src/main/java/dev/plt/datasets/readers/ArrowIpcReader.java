package dev.plt.datasets.readers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Arrow IPC files, in the file format ({@code ARROW1} magic; {@code .arrow}, {@code .feather} v2) or
 * the stream format, told apart by the magic bytes. Spark has no public Arrow reader, so this reads
 * with Arrow Java <b>on the driver</b>: every row is converted to a Spark {@link Row} in driver memory
 * and handed to {@code createDataFrame}, which makes a local relation. Meant for evaluation-sized inputs
 * (up to some hundred MB); convert anything bigger to Parquet. Local files only, for the same reason.
 * Dictionary-encoded columns are decoded to their values.
 */
final class ArrowIpcReader {
    private static final byte[] FILE_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

    private ArrowIpcReader() {
    }

    static ReadResult read(SparkSession spark, String path) {
        StructType schema = null;
        List<Row> rows = new ArrayList<>();
        for (Path file : localFiles(path)) {
            StructType fileSchema = readFile(file, rows);
            if (schema != null && !schema.equals(fileSchema)) {
                throw new IllegalArgumentException("Arrow file " + file + " has schema " + fileSchema.simpleString()
                        + ", unlike the earlier files' " + schema.simpleString());
            }
            schema = fileSchema;
        }
        return ReadResult.withoutMalformed(spark.createDataFrame(rows, schema));
    }

    /** Appends the file's rows to {@code rows}; returns its Spark schema. */
    private static StructType readFile(Path file, List<Row> rows) {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader reader = open(file, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            StructType schema = null;
            while (reader.loadNextBatch()) {
                List<ValueVector> columns = decoded(root, reader);
                try {
                    List<Field> fields = fields(root, columns);
                    schema = schema != null ? schema : ArrowToSpark.schema(fields);
                    for (int i = 0; i < root.getRowCount(); i++) {
                        Object[] values = new Object[columns.size()];
                        for (int c = 0; c < values.length; c++) {
                            values[c] = ArrowToSpark.value(fields.get(c), columns.get(c).getObject(i));
                        }
                        rows.add(RowFactory.create(values));
                    }
                } finally {
                    closeDecoded(root, columns);
                }
            }
            // A file without batches still has a schema (dictionary columns then show their index type).
            return schema != null ? schema : ArrowToSpark.schema(root.getSchema().getFields());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Arrow file " + file, e);
        }
    }

    private static ArrowReader open(Path file, BufferAllocator allocator) throws IOException {
        if (hasFileMagic(file)) {
            return new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator);
        }
        return new ArrowStreamReader(Files.newInputStream(file), allocator);
    }

    private static boolean hasFileMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(FILE_MAGIC.length), FILE_MAGIC);
        }
    }

    /** The batch's columns, dictionary-encoded ones replaced by their decoded values. */
    private static List<ValueVector> decoded(VectorSchemaRoot root, ArrowReader reader) throws IOException {
        List<ValueVector> out = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
            DictionaryEncoding encoding = vector.getField().getDictionary();
            out.add(encoding == null ? vector : DictionaryEncoder.decode(vector, reader.lookup(encoding.getId())));
        }
        return out;
    }

    /** The columns' fields; a decoded column keeps its own name (the dictionary's is "DICT<id>"). */
    private static List<Field> fields(VectorSchemaRoot root, List<ValueVector> columns) {
        List<Field> out = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Field values = columns.get(c).getField();
            Field own = root.getVector(c).getField();
            out.add(values == own ? own : new Field(own.getName(), values.getFieldType(), values.getChildren()));
        }
        return out;
    }

    private static void closeDecoded(VectorSchemaRoot root, List<ValueVector> columns) {
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c) != root.getVector(c)) {
                columns.get(c).close();
            }
        }
    }

    private static List<Path> localFiles(String path) {
        Path p = Path.of(path.startsWith("file:") ? URI.create(path).getPath() : path);
        if (!Files.isDirectory(p)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no Arrow file at " + path);
            }
            return List.of(p);
        }
        try (Stream<Path> files = Files.list(p)) {
            List<Path> out = files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")
                            && !f.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no Arrow files in " + path);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }
}
