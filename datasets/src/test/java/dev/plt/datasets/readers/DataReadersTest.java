package dev.plt.datasets.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.testing.Mutations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All readers against one local SparkSession (starting one costs seconds). */
class DataReadersTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .appName("DataReadersTest")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                // Tiny inputs: compiling whole-stage code and re-planning adaptively cost more than they save.
                .config("spark.sql.codegen.wholeStage", "false")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static final String JSONL = String.join("\n",
            "{\"id\": 1, \"text\": \"ok\"}",
            "{\"id\": 2, \"text\": \"broken\"",
            "",
            "{\"id\": 3, \"text\": \"fine\"}",
            "[1, 2]",
            "{\"id\": 4, \"text\": \"last\"}") + "\n";

    @Test
    void jsonlSetsMalformedLinesAsideWithTheirLineNumbers() throws IOException {
        Path file = write("eval.jsonl", JSONL);
        ReadResult r = DataReaders.read(spark, file.toString());

        assertEquals(List.of(1L, 3L, 4L), r.rows().orderBy("id").select("id").as(Encoders.LONG())
                .collectAsList());
        assertEquals(List.of("id", "text"), List.of(r.rows().columns()));
        assertEquals(2, r.malformedCount());
        List<MalformedRecord> bad = r.malformedRecords(10);
        assertEquals(2L, bad.get(0).line());
        assertEquals("{\"id\": 2, \"text\": \"broken\"", bad.get(0).text());
        assertEquals(5L, bad.get(1).line(), "the blank line 3 is skipped but still counted");
        assertTrue(bad.get(0).file().endsWith("eval.jsonl"), bad.get(0).file());
        assertEquals(6L, r.rowsWithLines().orderBy("id").collectAsList().get(2).getLong(3), "id 4 is on line 6");
    }

    @Test
    void failFastNamesTheFirstMalformedLine() throws IOException {
        Path file = write("eval.jsonl", JSONL);
        MalformedInputException e = assertThrows(MalformedInputException.class,
                () -> DataReaders.read(spark, file.toString(), ReadOptions.defaults().withFailFast(true)));
        assertEquals(2L, e.record().line());
        assertTrue(e.getMessage().contains("eval.jsonl:2: "), e.getMessage());
        Path clean = write("clean.jsonl", "{\"a\": 1}\n{\"a\": 2}\n");
        assertEquals(2, DataReaders.read(spark, clean.toString(), ReadOptions.defaults().withFailFast(true)).rows().count());
    }

    @Test
    void linesThatAreNotUnicodeAreSetAsideWithTheProblemNamed() throws IOException {
        Path file = dir.resolve("unicode.jsonl");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"id\": 1, \"text\": \"ok\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("{\"id\": 2, \"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1)); // Latin-1
        bytes.write("{\"id\": 3, \"text\": \"x\\ud800y\"}\n".getBytes(StandardCharsets.UTF_8)); // lone escape
        bytes.write("{\"id\": 4, \"text\": \"\\ud83d\\ude00 \\\\ud800\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.write(file, bytes.toByteArray());
        ReadResult r = DataReaders.read(spark, file.toString());

        List<Row> rows = r.rows().orderBy("id").collectAsList();
        assertEquals(List.of(1L, 4L), rows.stream().map(x -> x.getLong(0)).toList());
        assertEquals("\ud83d\ude00 \\ud800", rows.get(1).getString(1),
                "a surrogate pair is fine, and an escaped backslash before 'ud800' is just text");
        List<MalformedRecord> bad = r.malformedRecords(5);
        assertEquals(List.of(2L, 3L), bad.stream().map(MalformedRecord::line).toList());
        assertTrue(bad.get(0).problem().contains("not valid UTF-8: bad byte 0xe9 at byte 22"), bad.get(0).problem());
        assertTrue(bad.get(1).problem().contains("lone surrogate U+D800"), bad.get(1).problem());
        assertTrue(bad.get(1).describe().contains("unicode.jsonl:3: JSON escape"), bad.get(1).describe());

        Path csv = dir.resolve("latin1.csv");
        Files.write(csv, "q,a\nfine,1\ncaf\u00e9,2\n".getBytes(StandardCharsets.ISO_8859_1));
        ReadResult c = DataReaders.read(spark, csv.toString(), ReadOptions.defaults().withHeader(true));
        assertEquals(1, c.rows().count());
        assertEquals(3L, c.malformedRecords(1).get(0).line());
        assertTrue(c.malformedRecords(1).get(0).problem().contains("not valid UTF-8"));
    }

    /**
     * Seeded fuzzing of the JSONL reader: a file of damaged valid lines and random bytes, read at once
     * (each line an input). No line may be lost: every non-blank line is a row or a malformed record,
     * with its own line number.
     */
    @Test
    void fuzzedJsonlLosesNoLine() throws IOException {
        Mutations m = new Mutations(401);
        String valid = "{\"id\": 7, \"text\": \"To be, or not\", \"score\": 0.5, \"tags\": [\"a\", \"b\"]}";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long nonBlank = 0;
        for (int i = 0; i < 300; i++) {
            byte[] line = i % 3 == 0 ? m.randomBytes(60) : m.mutate(valid.getBytes(StandardCharsets.UTF_8));
            String asLines = new String(line, StandardCharsets.ISO_8859_1);
            // Lines as Spark's text source cuts them (at \n, \r\n and \r); the reader skips lines that
            // are empty or spaces only (Spark's trim removes spaces, not other whitespace).
            for (String part : asLines.split("\n", -1)) {
                for (String piece : part.split("\r", -1)) {
                    nonBlank += piece.chars().allMatch(c -> c == ' ') ? 0 : 1;
                }
            }
            bytes.write(line);
            bytes.write('\n');
        }
        Path file = dir.resolve("fuzz.jsonl");
        Files.write(file, bytes.toByteArray());
        ReadResult r = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> DataReaders.read(spark, file.toString()));
        List<Long> rowLines = r.rowsWithLines().select(ReadResult.LINE_COLUMN).as(Encoders.LONG()).collectAsList();
        List<Long> badLines = r.malformed().select(ReadResult.LINE_COLUMN).as(Encoders.LONG()).collectAsList();
        assertTrue(rowLines.size() > 0 && badLines.size() > 0, rowLines.size() + " rows, " + badLines.size() + " bad");
        Set<Long> all = new HashSet<>(rowLines);
        all.addAll(badLines);
        assertEquals(rowLines.size() + badLines.size(), all.size(), "no line is both a row and malformed");
        assertEquals(nonBlank, all.size(), "every non-blank line is a row or a malformed record");
    }

    @Test
    void jsonlWithAGivenSchemaCountsTypeMismatchesAsMalformed() throws IOException {
        Path file = write("typed.txt", "{\"n\": 1}\n{\"n\": \"one\"}\n");
        StructType schema = new StructType().add("n", DataTypes.LongType)
                .add(ReadOptions.DEFAULT_CORRUPT_COLUMN, DataTypes.StringType);
        ReadResult r = DataReaders.read(spark, file.toString(),
                ReadOptions.defaults().withFormat(DataFormat.JSONL).withSchema(schema));
        assertEquals(List.of("n"), List.of(r.rows().columns()), "a corrupt column in the schema is accepted");
        assertEquals(1, r.rows().count());
        assertEquals(2L, r.malformedRecords(5).get(0).line());
    }

    @Test
    void aFileOfOnlyBadLinesHasNoRowsAndEveryLineAside() throws IOException {
        Path file = write("bad.jsonl", "not json\n{\"unclosed\": \n");
        ReadResult r = DataReaders.read(spark, file.toString());
        assertEquals(0, r.rows().count());
        assertEquals(List.of(1L, 2L), r.malformedRecords(5).stream().map(MalformedRecord::line).toList());
    }

    @Test
    void csvWithHeaderReportsBadRecordsByLine() throws IOException {
        Path file = write("rows.csv", "question,answer\nwhat,1\n\"with, comma\",2\ntoo,5,fields\nlast,3\n");
        ReadResult r = DataReaders.read(spark, file.toString(),
                ReadOptions.defaults().withHeader(true).withInferSchema(true));
        assertEquals(List.of("question", "answer"), List.of(r.rows().columns()));
        assertEquals(DataTypes.IntegerType, r.rows().schema().apply("answer").dataType());
        List<Row> rows = r.rows().orderBy("answer").collectAsList();
        assertEquals(List.of("what", "with, comma", "last"), rows.stream().map(x -> x.getString(0)).toList());
        List<MalformedRecord> bad = r.malformedRecords(5);
        assertEquals(1, bad.size());
        assertEquals(4L, bad.get(0).line());
        assertEquals("too,5,fields", bad.get(0).text());
    }

    @Test
    void multiLineCsvKeepsQuotedNewlinesAndStillSetsBadRecordsAside() throws IOException {
        Path file = write("mmlu_like.csv", "\"two\nlines\",A\nplain,B\nbad,C,extra\n");
        StructType schema = new StructType().add("q", DataTypes.StringType).add("answer", DataTypes.StringType);
        ReadResult r = DataReaders.read(spark, file.toString(),
                ReadOptions.defaults().withMultiLine(true).withSchema(schema));
        assertEquals(List.of("two\nlines", "plain"), r.rows().orderBy("answer").collectAsList().stream()
                .map(x -> x.getString(0)).toList());
        assertEquals(1, r.malformedCount());
        MalformedRecord bad = r.malformedRecords(1).get(0);
        assertEquals(null, bad.line(), "Spark's multi-line reader does not know lines");
        assertEquals("bad,C,extra", bad.text());
    }

    @Test
    void parquetWrittenBySparkReadsBack() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
        Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create(1, "a"), RowFactory.create(2, "b")), schema);
        String out = dir.resolve("table.parquet").toString();
        data.coalesce(1).write().parquet(out);

        ReadResult r = DataReaders.read(spark, out);
        assertEquals(schema, r.rows().schema());
        assertEquals(List.of("a", "b"), r.rows().orderBy("id").collectAsList().stream().map(x -> x.getString(1)).toList());
        assertEquals(0, r.malformedCount());
        Path dirWithoutExtension = dir.resolve("table_dir");
        data.write().parquet(dirWithoutExtension.toString());
        assertEquals(2, DataReaders.read(spark, dirWithoutExtension.toString()).rows().count(),
                "the format of a directory comes from its data files");
    }

    @Test
    void arrowFileFormatWrittenByArrowJava() throws IOException {
        Path file = dir.resolve("rows.arrow");
        ArrowTestFiles.write(file, true);
        checkArrowRows(DataReaders.read(spark, file.toString()).rows());
    }

    @Test
    void arrowStreamFormatIsRecognisedByItsMagic() throws IOException {
        Path file = dir.resolve("rows.arrows");
        ArrowTestFiles.write(file, false);
        checkArrowRows(DataReaders.read(spark, file.toString()).rows());
    }

    private static void checkArrowRows(Dataset<Row> rows) {
        assertEquals(new StructType()
                .add("id", DataTypes.IntegerType)
                .add("text", DataTypes.StringType)
                .add("score", DataTypes.DoubleType)
                .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, true))
                .add("day", DataTypes.DateType)
                .add("split", DataTypes.StringType), rows.schema());
        List<Row> all = rows.orderBy("id").collectAsList();
        assertEquals(3, all.size(), "both record batches");
        assertEquals(ArrowTestFiles.TEXTS, all.stream().map(r -> r.getString(1)).toList());
        assertEquals(0.5, all.get(1).getDouble(2));
        assertTrue(all.get(2).isNullAt(2));
        assertEquals(List.of(20, 21, 22), all.get(2).getList(3));
        assertEquals(LocalDate.of(2024, 1, 2), all.get(1).getDate(4).toLocalDate());
        assertEquals(List.of("train", "test", "train"), all.stream().map(r -> r.getString(5)).toList(),
                "dictionary-encoded values decoded");
    }

    @Test
    void anUnknownExtensionNeedsAnExplicitFormat() throws IOException {
        Path file = write("data.txt", "{}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(spark, file.toString()));
        assertTrue(e.getMessage().contains("withFormat"), e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
