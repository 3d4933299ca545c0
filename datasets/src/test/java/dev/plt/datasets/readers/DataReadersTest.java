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
        assertEquals(new ReadResult.Counts(3, 2), r.counts(), "both counts in one pass agree with each alone");
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
            // Lines end at \n (a \r before it is dropped, a lone \r is text); the reader skips lines that
            // are empty or spaces only (Spark's trim removes spaces, not other whitespace).
            for (String part : asLines.split("\n", -1)) {
                nonBlank += part.replaceFirst("\r$", "").chars().allMatch(c -> c == ' ') ? 0 : 1;
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
    void multiLineCsvKeepsQuotedNewlinesAndNumbersRecordsByTheirFirstLine() throws IOException {
        Path file = dir.resolve("mmlu_like.csv");
        Files.write(file, String.join("\n",
                "q,answer",
                "\"two",
                "lines\",A",
                "plain,B",
                "bad,C,extra",
                "LATIN-1",
                "\"never closed,E",
                "last,F").replace("LATIN-1", "caf\u00e9,G").getBytes(StandardCharsets.ISO_8859_1));
        for (StructType schema : java.util.Arrays.asList(null,
                new StructType().add("q", DataTypes.StringType).add("answer", DataTypes.StringType))) {
            ReadResult r = DataReaders.read(spark, file.toString(),
                    ReadOptions.defaults().withMultiLine(true).withHeader(true).withSchema(schema));
            List<Row> rows = r.rowsWithLines().orderBy(ReadResult.LINE_COLUMN).collectAsList();
            assertEquals(List.of("two\nlines", "plain", "last"), rows.stream().map(x -> x.getString(0)).toList());
            assertEquals(List.of(2L, 4L, 8L), rows.stream().map(x -> x.getLong(3)).toList());
            List<MalformedRecord> bad = r.malformedRecords(10);
            assertEquals(List.of(5L, 6L, 7L), bad.stream().map(MalformedRecord::line).toList(), bad.toString());
            assertEquals("bad,C,extra", bad.get(0).text());
            assertEquals("malformed_line", bad.get(0).kind());
            assertEquals("invalid_utf8", bad.get(1).kind(), "multi-line records are decoded strictly too");
            assertEquals("malformed_line", bad.get(2).kind());
            assertTrue(bad.get(2).problem().contains("quote opened on this line is not closed by the end of the file"),
                    bad.get(2).problem());
        }
    }

    /**
     * One line nested ~900 deep overflowed the stack inside Spark and the job then hung: the time bound
     * is the harness's, the line is set aside before Spark parses it.
     */
    @Test
    void aLineNestedTooDeepIsSetAsideInsteadOfHangingTheJob() throws IOException {
        String deep = "{\"id\": 2, \"text\": \"x\", \"a\": " + "[".repeat(900) + "]".repeat(900) + "}";
        Path file = write("deep.jsonl", "{\"id\": 1, \"text\": \"ok\"}\n" + deep + "\n{\"id\": 3, \"text\": \"b\"}\n");
        List<MalformedRecord> bad = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            ReadResult r = DataReaders.read(spark, file.toString());
            assertEquals(List.of(1L, 3L), r.rows().orderBy("id").select("id").as(Encoders.LONG()).collectAsList());
            return r.malformedRecords(5);
        });
        assertEquals(1, bad.size());
        assertEquals(2L, bad.get(0).line());
        assertEquals("malformed_line", bad.get(0).kind());
        assertTrue(bad.get(0).describe().contains("deep.jsonl:2: JSON nested deeper than 64 levels at char "),
                bad.get(0).describe());
    }

    /** A valid line past Jackson's string limit was malformed with no reason; now it is too long, by line. */
    @Test
    void aLineOverTheLengthLimitIsTooLong() throws IOException {
        String huge = "{\"id\": 2, \"text\": \"" + "a".repeat(17 << 20) + "\"}";
        Path file = write("huge.jsonl", "{\"id\": 1, \"text\": \"ok\"}\n" + huge + "\n");
        ReadResult r = DataReaders.read(spark, file.toString());
        assertEquals(List.of(1L), r.rows().select("id").as(Encoders.LONG()).collectAsList());
        MalformedRecord bad = r.malformedRecords(5).get(0);
        assertEquals(2L, bad.line());
        assertEquals("too_long", bad.kind());
        assertTrue(bad.problem().contains("17,825,813 bytes, over the limit of 16,777,216 bytes per line"), bad.problem());
        assertTrue(bad.describe().startsWith(file.toUri().toString().replace("file:///", "file:/") + ":2: ")
                && bad.describe().contains("{\"id\": 2, \"text\": \"aaa"), bad.describe());

        Path csv = write("long.csv", "id,text\n1,short\n2," + "b".repeat(100) + "\n3,\"quoted\n" + "c".repeat(10) + "\n4,x\n");
        for (boolean multiLine : new boolean[] {false, true}) {
            ReadResult c = DataReaders.read(spark, csv.toString(), ReadOptions.defaults().withHeader(true)
                    .withMultiLine(multiLine).withLimits(new ReadOptions.Limits(15, 64)));
            MalformedRecord tooLong = c.malformedRecords(1).get(0);
            assertEquals(3L, tooLong.line());
            assertEquals("too_long", tooLong.kind());
        }
        ReadResult c = DataReaders.read(spark, csv.toString(), ReadOptions.defaults().withHeader(true)
                .withMultiLine(true).withLimits(new ReadOptions.Limits(15, 64)));
        MalformedRecord unclosed = c.malformedRecords(2).get(1);
        assertEquals(4L, unclosed.line());
        assertEquals(List.of("1", "4"), c.rows().orderBy("id").select("id").as(Encoders.STRING()).collectAsList(),
                "reading goes on after the line with the unclosed quote");
        assertTrue(unclosed.problem().contains("not closed within 15 bytes"), unclosed.problem());
    }

    @Test
    void aStringColumnHoldingAnotherJsonTypeIsInvalidInputNotText() throws IOException {
        Path file = write("types.jsonl", String.join("\n",
                "{\"id\": 1, \"text\": \"a\"}",
                "{\"id\": 2, \"text\": 5}",
                "{\"id\": 3, \"text\": [1, 2]}",
                "{\"id\": 4, \"text\": {\"a\": \"b\"}}",
                "{\"id\": 5, \"text\": true}",
                "{\"id\": 6, \"text\": null}",
                "{\"id\": 7, \"text\": \"" + "x".repeat(100) + "\", \"n\": 1}") + "\n");
        ReadResult r = DataReaders.read(spark, file.toString());
        assertEquals(DataTypes.StringType, r.rows().schema().apply("text").dataType());
        assertEquals(List.of(1L, 6L, 7L), r.rows().orderBy("id").select("id").as(Encoders.LONG()).collectAsList());
        List<MalformedRecord> bad = r.malformedRecords(10);
        assertEquals(List.of("number", "array", "object", "boolean"), bad.stream()
                .map(m -> m.problem().replaceAll("column 'text' holds a JSON (\\w+) where a string is expected", "$1"))
                .toList());
        assertTrue(bad.stream().allMatch(m -> m.kind().equals("invalid_input")), bad.toString());
        assertEquals(List.of(2L, 3L, 4L, 5L), bad.stream().map(MalformedRecord::line).toList());

        StructType given = new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);
        assertEquals(4, DataReaders.read(spark, file.toString(), ReadOptions.defaults().withSchema(given))
                .malformedCount(), "a given string column is checked the same way");
    }

    @Test
    void malformedLinesSayWhy() throws IOException {
        ReadResult r = DataReaders.read(spark, write("why.jsonl", JSONL).toString());
        List<MalformedRecord> bad = r.malformedRecords(10);
        assertTrue(bad.get(0).problem().startsWith("not valid JSON at char 27: Unexpected end-of-input"),
                bad.get(0).problem());
        assertEquals("not a JSON object but an array", bad.get(1).problem());
    }

    /**
     * Control characters anywhere in a line (NUL, a lone CR, VT, ESC, DEL, C1, U+2028, BOM) never cut it,
     * merge it or drop it: every non-blank line of damaged JSONL and CSV is one row or one malformed
     * record, under its own number.
     */
    @Test
    void controlCharactersKeepOneRowPerLine() throws IOException {
        java.util.Random random = new java.util.Random(17);
        String[] controls = {"\u0000", "\r", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085", "\u2028", "\ufeff",
            "\u0001", "\t", "\r\r"};
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder("id,text\n");
        int lines = 120;
        for (int i = 1; i <= lines; i++) {
            String json = "{\"id\": " + i + ", \"text\": \"line " + i + "\"}";
            String row = i + ",line " + i;
            for (int d = random.nextInt(3); d >= 0; d--) {
                String c = controls[random.nextInt(controls.length)];
                int at = random.nextInt(json.length() + 1);
                json = json.substring(0, at) + c + json.substring(at);
                at = random.nextInt(row.length() + 1);
                row = row.substring(0, at) + c + row.substring(at);
            }
            jsonl.append(json).append(i % 10 == 0 ? "\r\n" : "\n");
            csv.append(row).append("\n");
        }
        ReadResult j = DataReaders.read(spark, write("controls.jsonl", jsonl.toString()).toString());
        assertEveryLineOnce(j, lines, 1);
        for (boolean multiLine : new boolean[] {false, true}) {
            ReadResult c = DataReaders.read(spark, write("controls.csv", csv.toString()).toString(),
                    ReadOptions.defaults().withHeader(true).withMultiLine(multiLine));
            assertEveryLineOnce(c, lines, 2);
        }
    }

    private static void assertEveryLineOnce(ReadResult r, int lines, long first) {
        List<Long> numbers = new java.util.ArrayList<>(r.rowsWithLines().select(ReadResult.LINE_COLUMN)
                .as(Encoders.LONG()).collectAsList());
        numbers.addAll(r.malformed().select(ReadResult.LINE_COLUMN).as(Encoders.LONG()).collectAsList());
        numbers.sort(null);
        assertEquals(java.util.stream.LongStream.range(first, first + lines).boxed().toList(), numbers);
    }

    @Test
    void aDirectoryMixingFormatsIsRefusedNamingTheFilesOfEach() throws IOException {
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.writeString(mixed.resolve("a.jsonl"), "{\"text\": \"a\"}\n");
        Files.writeString(mixed.resolve("b.jsonl"), "{\"text\": \"b\"}\n");
        Files.writeString(mixed.resolve("c.csv"), "text\nc\n");
        Files.write(mixed.resolve("d.parquet"), new byte[] {'P', 'A', 'R', '1'});
        Files.writeString(mixed.resolve("_SUCCESS"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(spark, mixed.toString()));
        assertTrue(e.getMessage().contains("mixes files of several formats (csv: c.csv; jsonl: a.jsonl, b.jsonl; "
                + "parquet: d.parquet)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataReaders.read(spark, mixed.toString(),
                ReadOptions.defaults().withFormat(DataFormat.JSONL)), "a given format does not make them one");
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
        assertEquals(new ReadResult.Counts(2, 0), r.counts());
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
