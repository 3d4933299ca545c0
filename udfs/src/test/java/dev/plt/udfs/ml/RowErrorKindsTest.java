package dev.plt.udfs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.udfs.SparkTestSession;
import dev.plt.udfs.batch.OutputContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad row through the real transformers on local[2]: each gets its error and its
 * {@code error_kind}, the accumulators count errors by kind, and the good rows next to them still
 * equal the engine.
 */
class RowErrorKindsTest {
    /** A byte-level tokenizer maps byte 7 to token 7, whose embedding overflows when it repeats. */
    private static final String OVERFLOW = "a\u0007\u0007b";
    private static final String LONG = "abcdefghijklmnopqrst"; // 20 tokens

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static PltModel direct;
    static Dataset<Row> rows;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.start("RowErrorKindsTest");
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        RandomCheckpoint.setValue(model, "model.embed_tokens.weight", 7 * 32, Float.MAX_VALUE);
        direct = PltModel.load(model, EngineOptions.defaults().withThreads(1));
        List<Row> data = List.of(
                RowFactory.create(0, utf8("hello")),
                RowFactory.create(1, null),
                RowFactory.create(2, utf8("")),
                RowFactory.create(3, new byte[] {'c', 'a', 'f', (byte) 0xe9}), // Latin-1, not UTF-8
                RowFactory.create(4, utf8(LONG)),
                RowFactory.create(5, utf8(OVERFLOW)),
                RowFactory.create(6, utf8("fine too")));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("bytes", DataTypes.BinaryType);
        // Casting binary to string keeps the bytes as they are, as Spark strings from Parquet or CSV do.
        rows = spark.createDataFrame(data, schema).withColumn("text", col("bytes").cast(DataTypes.StringType));
    }

    @AfterAll
    static void tearDown() {
        direct.close();
        spark.stop();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Row> score(PltScorer scorer, Dataset<Row> input) {
        scorer.setModelPath(model.toString()).setBatchSize(3);
        return byId(scorer.transform(input.repartition(2)));
    }

    /** Sorted here: orderBy's range partitioning would run the model twice and count every error twice. */
    private static List<Row> byId(Dataset<Row> out) {
        List<Row> rows = new java.util.ArrayList<>(out.collectAsList());
        rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(r.fieldIndex("id"))));
        return rows;
    }

    private static String kind(Row r) {
        return r.getString(r.fieldIndex(OutputContract.ERROR_KIND));
    }

    private static String error(Row r) {
        return r.getString(r.fieldIndex(OutputContract.ERROR));
    }

    @Test
    void eachBadRowGetsItsKindAndTheOthersTheirScores() {
        PltScorer scorer = new PltScorer();
        scorer.setMaxLength(16);
        List<Row> out = score(scorer, rows);
        assertEquals(Arrays.asList(null, "null_input", "empty_input", "invalid_utf8", "too_long", "non_finite", null),
                out.stream().map(RowErrorKindsTest::kind).toList());
        assertTrue(error(out.get(3)).contains("column 'text' is not valid UTF-8: bad byte 0xe9 at byte 3"),
                error(out.get(3)));
        assertTrue(error(out.get(4)).contains("20 tokens exceed the length limit of 16"), error(out.get(4)));
        assertTrue(error(out.get(5)).contains("NaN or infinite"), error(out.get(5)));
        assertEquals(Map.of("empty_input", 1L, "invalid_utf8", 1L, "non_finite", 1L, "null_input", 1L,
                "too_long", 1L), scorer.errorKinds().value());
        assertEquals(5L, scorer.rowErrors().value());
        for (int i : new int[] {0, 6}) {
            String text = out.get(i).getString(out.get(i).fieldIndex("text"));
            double expected = direct.score(List.of(direct.tokenizer().encode(text))).get(0).total();
            assertEquals(expected, out.get(i).getDouble(out.get(i).fieldIndex("total_logprob")), 0.0);
            assertNull(kind(out.get(i)));
        }
    }

    @Test
    void truncateLeftKeepsTheLastTokens() {
        PltScorer scorer = new PltScorer();
        scorer.setMaxLength(16).setOverlong("truncate-left");
        Row row = score(scorer, rows.filter("id = 4")).get(0);
        assertNull(error(row));
        // A scored row's last token is a target only, so 16 positions hold 17 tokens (LengthLimit#fitScored).
        assertEquals(17, row.getInt(row.fieldIndex(OutputContract.PROMPT_TOKENS)));
        int[] last17 = direct.tokenizer().encode(LONG.substring(3));
        assertEquals(direct.score(List.of(last17)).get(0).total(), row.getDouble(row.fieldIndex("total_logprob")), 0.0);
    }

    @Test
    void aBinaryColumnIsDecodedStrictly() {
        PltScorer scorer = new PltScorer();
        scorer.setInputCol("bytes");
        List<Row> out = score(scorer, rows.filter("id in (0, 3)"));
        assertNull(kind(out.get(0)));
        assertEquals("invalid_utf8", kind(out.get(1)));
    }

    @Test
    void tokenIdsOutOfRangeIncludingLongsThatWouldWrap() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("ids", DataTypes.createArrayType(DataTypes.LongType));
        Dataset<Row> input = spark.createDataFrame(List.of(
                RowFactory.create(0, List.of(1L, 2L, 3L).toArray()),
                RowFactory.create(1, List.of(1L, 300L).toArray()),
                RowFactory.create(2, List.of(1L, (1L << 32) + 5).toArray()),
                RowFactory.create(3, Arrays.asList(1L, null).toArray())), schema);
        PltScorer scorer = new PltScorer();
        scorer.setInputIdsCol("ids");
        List<Row> out = score(scorer, input);
        assertEquals(Arrays.asList(null, "token_out_of_range", "token_out_of_range", "null_input"),
                out.stream().map(RowErrorKindsTest::kind).toList());
        assertTrue(error(out.get(2)).contains("4294967301"), error(out.get(2)));
    }

    @Test
    void generationReservesRoomForItsNewTokens() {
        PltGenerator generator = new PltGenerator().setMaxNewTokens(4);
        generator.setModelPath(model.toString()).setMaxLength(22);
        List<Row> out = byId(generator.transform(rows.filter("id in (4, 5, 6)")));
        assertEquals("too_long", kind(out.get(0)), "20 + 4 > 22");
        assertEquals("non_finite", kind(out.get(1)));
        assertNull(kind(out.get(2)));
        int[] expected = direct.generate(List.of(direct.tokenizer().encode("fine too")), GenerationParams.greedy(4))
                .get(0).tokens();
        assertEquals(Arrays.stream(expected).boxed().toList(), out.get(2).getList(out.get(2).fieldIndex("generated_ids")));

        generator.setOverlong("truncate-left");
        Row cut = generator.transform(rows.filter("id = 4")).collectAsList().get(0);
        assertNull(error(cut));
        assertEquals(18, cut.getInt(cut.fieldIndex(OutputContract.PROMPT_TOKENS)), "22 - 4 new tokens");
    }

    @Test
    void choiceRowsGetKindsToo() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("context", DataTypes.StringType)
                .add("choices", DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> input = spark.createDataFrame(List.of(
                RowFactory.create(0, "Question: 2+2?\nAnswer:", List.of(" 4", " 5").toArray()),
                RowFactory.create(1, null, List.of(" 4").toArray()),
                RowFactory.create(2, "Q", List.of().toArray()),
                RowFactory.create(3, LONG + LONG, List.of(" x").toArray())), schema);
        PltChoiceScorer scorer = new PltChoiceScorer();
        scorer.setModelPath(model.toString()).setMaxLength(30);
        List<Row> out = byId(scorer.transform(input));
        assertEquals(Arrays.asList(null, "null_input", "empty_input", "too_long"),
                out.stream().map(RowErrorKindsTest::kind).toList());
    }
}
