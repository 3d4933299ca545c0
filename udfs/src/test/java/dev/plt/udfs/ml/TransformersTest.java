package dev.plt.udfs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.udfs.SparkTestSession;
import dev.plt.udfs.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
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
 * The Spark transformers on local[2] against the engine called directly: bitwise equal log-probs and
 * greedy tokens whatever the partitioning and micro-batch size, bad rows isolated, the model loaded
 * once per JVM, and save/load inside a PipelineModel.
 */
class TransformersTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static PltModel direct;
    static Dataset<Row> rows;
    static List<String> texts = new ArrayList<>();
    /** Models other test classes loaded in this JVM before this one. */
    static int loadsBefore;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.start("TransformersTest");
        loadsBefore = ModelRegistry.loadCount();
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small().withLoops(3, "parallel"));
        direct = PltModel.load(model, EngineOptions.defaults().withThreads(1));
        Random random = new Random(3);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(30);
            for (int c = 0; c < length; c++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            texts.add(text.toString());
            data.add(RowFactory.create(i, text.toString()));
        }
        data.add(RowFactory.create(23, null)); // a bad row: null text
        data.add(RowFactory.create(24, ""));   // a bad row: empty text
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
        rows = spark.createDataFrame(data, schema);
    }

    @AfterAll
    static void tearDown() {
        direct.close();
        spark.stop();
    }

    private static PltScorer scorer(int batchSize) {
        PltScorer scorer = new PltScorer().setPerTokenLogprobs(true);
        scorer.setModelPath(model.toString()).setBatchSize(batchSize);
        return scorer;
    }

    @Test
    void scoresEqualTheEngineBitwiseWhateverPartitioningAndBatchSize() {
        List<int[]> ids = texts.stream().map(t -> direct.tokenizer().encode(t)).toList();
        List<TokenScores> expected = direct.score(ids);
        for (int partitions : new int[] {1, 3, 7}) {
            for (int batch : new int[] {1, 5, 16}) {
                List<Row> out = scorer(batch).transform(rows.repartition(partitions)).orderBy("id").collectAsList();
                assertEquals(25, out.size());
                for (int i = 0; i < 23; i++) {
                    Row r = out.get(i);
                    assertEquals(i, r.getInt(r.fieldIndex("id")));
                    assertNull(r.get(r.fieldIndex("error")));
                    assertEquals(expected.get(i).total(), r.getDouble(r.fieldIndex("total_logprob")), 0.0,
                            "row " + i + ", " + partitions + " partitions, batch " + batch);
                    List<Double> perToken = r.getList(r.fieldIndex("token_logprobs"));
                    double[] lp = expected.get(i).logprobs();
                    for (int t = 1; t < lp.length; t++) {
                        assertEquals(lp[t], perToken.get(t - 1), 0.0);
                    }
                    assertEquals(ids.get(i).length, r.getInt(r.fieldIndex("prompt_tokens")));
                    assertEquals("model", r.getString(r.fieldIndex("model_id")));
                }
                assertTrue(out.get(23).getString(out.get(23).fieldIndex("error")).contains("null"));
                assertTrue(out.get(24).getString(out.get(24).fieldIndex("error")).contains("empty"));
                assertNull(out.get(24).get(out.get(24).fieldIndex("total_logprob")));
            }
        }
        assertEquals(1, ModelRegistry.loadCount() - loadsBefore, "one model load in this JVM for all tasks");
    }

    @Test
    void greedyGenerationEqualsTheEngine() {
        PltGenerator generator = new PltGenerator().setMaxNewTokens(5);
        generator.setModelPath(model.toString()).setBatchSize(4);
        List<Row> out = generator.transform(rows.repartition(3)).orderBy("id").collectAsList();
        List<int[]> prompts = texts.stream().map(t -> direct.tokenizer().encode(t)).toList();
        List<Generation> expected = direct.generate(prompts, GenerationParams.greedy(5));
        for (int i = 0; i < 23; i++) {
            Row r = out.get(i);
            List<Integer> generated = r.getList(r.fieldIndex("generated_ids"));
            assertEquals(Arrays.stream(expected.get(i).tokens()).boxed().toList(), generated, "row " + i);
            assertEquals(expected.get(i).text(), r.getString(r.fieldIndex("generated_text")));
            assertEquals("length", r.getString(r.fieldIndex("finish_reason")));
            assertEquals(5, r.getInt(r.fieldIndex("completion_tokens")));
        }
    }

    @Test
    void savedAndLoadedInAPipelineModel() throws java.io.IOException {
        PltScorer scorer = scorer(8);
        scorer.setModelId("my-plt");
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {scorer}).fit(rows);
        String path = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> before = pipeline.transform(rows).orderBy("id").select("id", "total_logprob").collectAsList();
        List<Row> after = loaded.transform(rows).orderBy("id").collectAsList();
        assertEquals("my-plt", after.get(0).getString(after.get(0).fieldIndex("model_id")));
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).get(1), after.get(i).get(after.get(i).fieldIndex("total_logprob")));
        }
        assertNotNull(((PltScorer) loaded.stages()[0]).getModelPath());
    }

    @Test
    void missingOrWrongColumnsFailBeforeAnyWork() {
        PltScorer scorer = scorer(4);
        scorer.setInputCol("prompt");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> scorer.transform(rows));
        assertTrue(missing.getMessage().contains("prompt"), missing.getMessage());
        scorer.setInputCol("id");
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> scorer.transform(rows));
        assertTrue(wrongType.getMessage().contains("must be a string"), wrongType.getMessage());
    }
}
