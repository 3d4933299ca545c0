package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.jobs.cli.PltCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Runs {@code plt evaluate} through the CLI and reads its output back as a user would: metrics.json,
 * and {@code samples/} read from its Parquet files directly (no Spark session), one JSON object per
 * row in file order with every double kept exactly ({@link com.fasterxml.jackson.databind.node.DoubleNode}).
 */
final class EvaluateOutput {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluateOutput() {
    }

    /** {@code plt evaluate ARGS --master local[2] --output OUT}; fails the test unless it exits 0. */
    static Path evaluate(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("evaluate", "--master", "local[2]", "--output", out.toString()));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), all.toArray(String[]::new));
        assertEquals(0, code, "plt " + String.join(" ", all) + "\n" + err);
        return out;
    }

    static JsonNode metrics(Path out) throws IOException {
        return JSON.readTree(out.resolve("metrics.json").toFile());
    }

    /**
     * metrics.json without what may differ between equal evaluations (throughput: wall time; settings:
     * the partitions and batch size themselves), as text; every double printed by Jackson's
     * shortest round-trip form, so equal text means equal bits.
     */
    static String results(Path out) throws IOException {
        ObjectNode m = (ObjectNode) metrics(out);
        m.remove("throughput");
        m.remove("settings");
        return JSON.writeValueAsString(m);
    }

    /** The rows of {@code out/samples/}, in file order. */
    static List<JsonNode> samples(Path out) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(out.resolve("samples"))) {
            parts = files.filter(p -> p.getFileName().toString().startsWith("part-")
                    && p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        assertFalse(parts.isEmpty(), "no Parquet part files in " + out.resolve("samples"));
        List<JsonNode> rows = new ArrayList<>();
        for (Path part : parts) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(part))) {
                MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                PageReadStore pages;
                while ((pages = reader.readNextRowGroup()) != null) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                            .getRecordReader(pages, new GroupRecordConverter(schema));
                    for (long r = 0; r < pages.getRowCount(); r++) {
                        rows.add(object(records.read()));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * A row as text where every double is written as {@link Double#toHexString} (its exact value, so
     * equal text means equal bits, -0.0 and NaN included).
     */
    static String exactText(JsonNode node) {
        if (node.isDouble()) {
            return "\"" + Double.toHexString(node.doubleValue()) + "\"";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(exactText(item)));
            return "[" + String.join(",", items) + "]";
        }
        if (node.isObject()) {
            List<String> fields = new ArrayList<>();
            node.fields().forEachRemaining(e -> fields.add(JsonNodeFactory.instance.textNode(e.getKey()) + ":"
                    + exactText(e.getValue())));
            return "{" + String.join(",", fields) + "}";
        }
        return node.toString();
    }

    private static ObjectNode object(Group group) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        GroupType type = group.getType();
        for (int f = 0; f < type.getFieldCount(); f++) {
            node.set(type.getFieldName(f), group.getFieldRepetitionCount(f) == 0 ? null : value(group, f, 0));
        }
        return node;
    }

    /** One field's value: Spark's LIST and MAP groups become arrays and objects. */
    private static JsonNode value(Group group, int field, int index) {
        Type type = group.getType().getType(field);
        if (type.isPrimitive()) {
            PrimitiveType p = type.asPrimitiveType();
            return switch (p.getPrimitiveTypeName()) {
                case DOUBLE -> JsonNodeFactory.instance.numberNode(group.getDouble(field, index));
                case FLOAT -> JsonNodeFactory.instance.numberNode(group.getFloat(field, index));
                case INT32 -> JsonNodeFactory.instance.numberNode(group.getInteger(field, index));
                case INT64 -> JsonNodeFactory.instance.numberNode(group.getLong(field, index));
                case BOOLEAN -> JsonNodeFactory.instance.booleanNode(group.getBoolean(field, index));
                case BINARY -> JsonNodeFactory.instance.textNode(group.getString(field, index));
                default -> throw new IllegalArgumentException("unexpected Parquet type " + p);
            };
        }
        Group inner = group.getGroup(field, index);
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < inner.getFieldRepetitionCount(0); i++) {
                Group element = inner.getGroup(0, i);
                array.add(element.getFieldRepetitionCount(0) == 0 ? null : value(element, 0, 0));
            }
            return array;
        }
        if (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            ObjectNode map = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < inner.getFieldRepetitionCount(0); i++) {
                Group entry = inner.getGroup(0, i);
                map.set(entry.getString(0, 0), entry.getFieldRepetitionCount(1) == 0 ? null : value(entry, 1, 0));
            }
            return map;
        }
        return object(inner);
    }
}
