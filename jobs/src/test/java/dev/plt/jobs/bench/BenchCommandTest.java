package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt bench --quick --no-peer --spark} end to end on the tiny shape: bench.json holds every
 * variant, KV bytes equal the spec formula (worked out by hand here), and every ratio, roofline share
 * and target agrees with the figures it comes from. No timing is judged.
 */
class BenchCommandTest {
    private static final List<String> VARIANTS = List.of("non-loop", "loop-2", "loop-3", "plt-2", "plt-3");
    private static final List<String> DTYPES = List.of("f32", "bf16");
    private static final List<Integer> BATCHES = List.of(1, 8, 32);

    @TempDir
    static Path dir;
    static JsonNode bench;
    static String stderr;

    @BeforeAll
    static void runQuickBench() throws IOException {
        SharedSpark.stop(); // the bench times jobs that start their own Spark, on local[1] and local[2]
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "bench", "--quick", "--no-peer", "--spark",
                "--threads", "2", "--output", dir.resolve("out").toString(), "--cache-dir", dir.resolve("cache").toString());
        stderr = err.toString();
        assertEquals(0, code, stderr);
        bench = new ObjectMapper().readTree(dir.resolve("out/bench.json").toFile());
    }

    @Test
    void everyVariantDtypeAndBatchIsMeasured() {
        Set<String> decode = new HashSet<>();
        for (JsonNode d : bench.get("decode")) {
            decode.add(d.get("variant").asText() + "/" + d.get("dtype").asText() + "/" + d.get("batch").asInt());
            assertTrue(d.get("ms_per_step").asDouble() > 0, d.toString());
            assertEquals(3, d.get("steps").asInt(), "--quick times 3 steps");
            int loops = d.get("variant").asText().equals("non-loop") ? 1 : d.get("variant").asText().endsWith("3") ? 3 : 2;
            boolean plt = d.get("variant").asText().startsWith("plt");
            assertEquals(d.get("batch").asInt() * (plt ? loops : 1), d.get("rows_per_pass").asInt(), d.toString());
            assertEquals(plt ? 1 : loops, d.get("passes_per_step").asInt(), d.toString());
        }
        Set<String> prefill = new HashSet<>();
        bench.get("prefill").forEach(p -> prefill.add(p.get("variant").asText() + "/" + p.get("dtype").asText()));
        for (String variant : VARIANTS) {
            for (String dtype : DTYPES) {
                assertTrue(prefill.contains(variant + "/" + dtype), variant + "/" + dtype + " prefill");
                for (int batch : BATCHES) {
                    assertTrue(decode.contains(variant + "/" + dtype + "/" + batch), variant + "/" + dtype + "/" + batch);
                }
            }
        }
        assertEquals(VARIANTS.size() * DTYPES.size() * BATCHES.size(), bench.get("decode").size());
        assertEquals("d64-ff128-l2-h4-kv2-hd16-v512-w64-s1", bench.get("model").get("key").asText());
        assertTrue(bench.get("machine").get("java_version").asText().length() > 0);
        assertTrue(bench.get("machine").get("kernel_backend").asText().startsWith("vector"));
        assertTrue(bench.get("bandwidth").get("gb_per_second").asDouble() > 0);
    }

    /** Tiny shape: 2 layers x 2 KV heads x d_h 16 x (K, V) x 4 bytes = 512 bytes a position; w + 1 = 65. */
    @Test
    void kvBytesEqualTheSpecFormula() {
        long perPosition = 2L * 2 * 16 * 2 * 4;
        Map<String, long[]> layout = Map.of( // {full caches, G-SWA rings}
                "non-loop", new long[] {1, 0}, "loop-2", new long[] {2, 0}, "loop-3", new long[] {3, 0},
                "plt-2", new long[] {1, 1}, "plt-3", new long[] {1, 2});
        assertEquals(VARIANTS.size() * 2, bench.get("kv").size());
        for (JsonNode kv : bench.get("kv")) {
            long[] caches = layout.get(kv.get("variant").asText());
            long expected = perPosition * (caches[0] * kv.get("tokens").asLong() + caches[1] * 65);
            assertEquals(expected, kv.get("live_bytes").asLong(), kv.toString());
            assertEquals(expected, kv.get("formula_bytes").asLong(), kv.toString());
            assertTrue(kv.get("equal").asBoolean());
        }
        JsonNode kvTarget = target("KV bytes == spec formula");
        assertEquals(0.0, kvTarget.get("measured").asDouble());
        assertTrue(kvTarget.get("met").asBoolean());
    }

    @Test
    void ratiosRooflineAndTargetsAgreeWithTheFigures() {
        Map<String, Double> ms = new HashMap<>();
        bench.get("decode").forEach(d -> ms.put(d.get("variant").asText() + "/" + d.get("dtype").asText() + "/"
                + d.get("batch").asInt(), d.get("ms_per_step").asDouble()));
        Set<String> names = new HashSet<>();
        for (JsonNode r : bench.get("ratios")) {
            String[] pair = r.get("name").asText().split("/");
            String at = "/" + r.get("dtype").asText() + "/" + r.get("batch").asInt();
            assertEquals(ms.get(pair[0] + at), r.get("numerator_ms").asDouble(), 0.0, r.toString());
            assertEquals(ms.get(pair[1] + at), r.get("denominator_ms").asDouble(), 0.0, r.toString());
            assertEquals(ms.get(pair[0] + at) / ms.get(pair[1] + at), r.get("ratio").asDouble(), 1e-12, r.toString());
            names.add(r.get("name").asText());
        }
        assertTrue(names.containsAll(List.of("plt-2/non-loop", "plt-2/loop-2", "plt-3/non-loop", "loop-2/non-loop")),
                names.toString());
        assertEquals(5 * DTYPES.size() * BATCHES.size(), bench.get("ratios").size());

        double bandwidth = bench.get("bandwidth").get("gb_per_second").asDouble();
        assertEquals(VARIANTS.size() * DTYPES.size(), bench.get("roofline").size());
        for (JsonNode r : bench.get("roofline")) {
            double decodeMs = ms.get(r.get("variant").asText() + "/" + r.get("dtype").asText() + "/1");
            assertEquals(decodeMs, r.get("decode_ms").asDouble(), 0.0);
            assertEquals(r.get("weight_bytes_per_step").asDouble() / (bandwidth * 1e9) * 1e3,
                    r.get("roofline_ms").asDouble(), 1e-9);
            assertEquals(r.get("roofline_ms").asDouble() / decodeMs, r.get("fraction").asDouble(), 1e-12);
        }
        long pltBytes = rooflineBytes("plt-2", "f32");
        long loopBytes = rooflineBytes("loop-2", "f32");
        assertTrue(loopBytes > pltBytes, "a vanilla loop-2 step reads the layers twice");
        assertTrue(rooflineBytes("plt-2", "bf16") < pltBytes, "bf16 weights are half the bytes");

        for (String dtype : DTYPES) {
            JsonNode t = target("PLT-2 decode <= 1.15x non-loop at batch 1 (" + dtype + ")");
            double ratio = ms.get("plt-2/" + dtype + "/1") / ms.get("non-loop/" + dtype + "/1");
            assertEquals(ratio, t.get("measured").asDouble(), 1e-12);
            assertEquals(ratio <= 1.15, t.get("met").asBoolean());
        }
        JsonNode peerTarget = target("decode tok/s >= 2x the peer's");
        assertTrue(peerTarget.get("measured").isNull() && peerTarget.get("met").isNull(), peerTarget.toString());
        assertEquals("skipped", bench.get("peer").get("status").asText());
    }

    @Test
    void sparkJobsScoreTheSameRowsAsTheBareEngine() {
        JsonNode spark = bench.get("spark");
        assertNotNull(spark);
        assertEquals(8, spark.get("rows").asInt());
        assertTrue(spark.get("results_identical").asBoolean(), spark.toString());
        assertEquals(List.of("local[1]", "local[2]"),
                List.of(spark.get("jobs").get(0).get("master").asText(), spark.get("jobs").get(1).get("master").asText()));
        double local1 = spark.get("jobs").get(0).get("seconds").asDouble();
        double local2 = spark.get("jobs").get(1).get("seconds").asDouble();
        assertEquals(local1 / local2, spark.get("local2_over_local1").asDouble(), 1e-12);
        assertEquals(local1 / (spark.get("bare_load_seconds").asDouble() + spark.get("bare_score_seconds").asDouble()),
                spark.get("job_overhead").asDouble(), 1e-12);
    }

    @Test
    void htmlAndMarkdownHoldTheFigures() throws IOException {
        String html = Files.readString(dir.resolve("out/bench.html"));
        assertTrue(html.contains("<svg"), "inline SVG plot");
        assertFalse(html.contains("<script"), "no JavaScript");
        String markdown = Files.readString(dir.resolve("out/bench.md"));
        for (String variant : VARIANTS) {
            assertTrue(markdown.contains("| " + variant + " | f32 |"), variant);
        }
        assertTrue(markdown.contains("| plt-2/loop-2 | bf16 |"));
        assertTrue(stderr.isEmpty() || !stderr.contains("Exception"), stderr);
    }

    private static JsonNode target(String prefix) {
        for (JsonNode t : bench.get("targets")) {
            if (t.get("name").asText().startsWith(prefix)) {
                return t;
            }
        }
        throw new AssertionError("no target starting with " + prefix + " in " + bench.get("targets"));
    }

    private static long rooflineBytes(String variant, String dtype) {
        for (JsonNode r : bench.get("roofline")) {
            if (r.get("variant").asText().equals(variant) && r.get("dtype").asText().equals(dtype)) {
                return r.get("weight_bytes_per_step").asLong();
            }
        }
        assertNull(variant, "no roofline for " + variant + " " + dtype);
        return 0;
    }
}
