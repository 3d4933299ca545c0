package dev.plt.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import dev.plt.model.kernels.pool.EnginePool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the bench's measurements return, checked for shape and consistency (never against a time). */
class BenchMeasurementsTest {
    @TempDir
    static Path cache;

    private static PltModel load(BenchVariant variant) {
        Path dir = new BenchModels(cache, BenchShape.quick(), m -> { }).variantDir(DType.F32, variant);
        return PltModel.load(dir, EngineOptions.defaults().withThreads(2));
    }

    @Test
    void decodeGivesOneTimingPerBatchWithEveryTimedStep() {
        try (PltModel model = load(BenchVariant.PLT_3)) {
            List<DecodeLatency.Timing> timings = DecodeLatency.measure(model.path(), List.of(1, 3), 4, 1, 5, 1);
            assertEquals(List.of(1, 3), timings.stream().map(DecodeLatency.Timing::batch).toList());
            for (DecodeLatency.Timing t : timings) {
                assertEquals(5, t.stepMs().count());
                assertTrue(t.stepMs().min() > 0 && t.stepMs().min() <= t.stepMs().median()
                        && t.stepMs().median() <= t.stepMs().max(), t.toString());
                assertEquals(t.batch() * 1000.0 / t.stepMs().median(), t.tokensPerSecond(), 1e-9);
            }
        }
    }

    /** Per position, M=2 layers x H_kv=2 x d_h=16 x K and V x 4 bytes; G-SWA loops add w+1 = 65 positions. */
    @Test
    void kvBytesFromTheEngineAndFromTheCacheLayoutEqualTheSpec() {
        long perPosition = 2L * 2 * 16 * 2 * 4;
        for (BenchVariant variant : BenchVariant.values()) {
            try (PltModel model = load(variant)) {
                ModelConfig config = model.config();
                long fullCaches = variant.id().startsWith("plt") ? 1 : variant.loops();
                long windows = variant.id().startsWith("plt") ? variant.loops() - 1 : 0;
                PrefillThroughput.Timing prefill = PrefillThroughput.measure(model.path(), 40, 3);
                assertEquals(40, prefill.sequence().length());
                long live = KvBytes.afterEngine(model.path(), prefill.sequence(), 100, 4);
                assertEquals(100, prefill.sequence().length());
                assertEquals(perPosition * (fullCaches * 100 + windows * 65), live, variant.id() + " engine");
                assertEquals(live, KvBytes.formula(config, 100), variant.id() + " formula");
                assertEquals(perPosition * (fullCaches * 3000 + windows * 65), KvBytes.filledCaches(config, 3000),
                        variant.id() + " cache layout");
            }
        }
    }

    @Test
    void bandwidthReadsTheWholeArrayOnTheGivenThreads() {
        try (EnginePool pool = new EnginePool(2)) {
            StreamBandwidth.Result r = StreamBandwidth.measure(8L << 20, pool, 3);
            assertEquals(8L << 20, r.bytes());
            assertEquals(2, r.threads());
            assertEquals(3, r.runs());
            assertTrue(r.gbPerSecond() > 0 && r.gbPerSecond() <= r.bestGbPerSecond(), r.toString());
            assertTrue(r.method().startsWith("FloatVector"), "surefire starts the JVM with the Vector API: " + r);
        }
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, Stats.of(new double[] {3, 1, 2}).median());
        assertEquals(2.5, Stats.of(new double[] {4, 1, 3, 2}).median());
        assertEquals(1.0, Stats.of(new double[] {4, 1, 3, 2}).min());
        assertEquals(4.0, Stats.of(new double[] {4, 1, 3, 2}).max());
    }
}
