package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole CUDA path without a GPU: {@link CudaPath} drives a recording device, and its log is replayed
 * with the real kernel sources compiled for the CPU (and cuBLAS's GEMM emulated by its definition). The
 * logits must match the CPU fast path over the family grid, at every prefill position (chunked, so ring
 * buffers are read across passes) and every decode step, within the bf16 tolerance of
 * {@link LogitsComparison}. This checks the scheduling, the tables, the cache layout and every kernel's
 * arithmetic; it cannot check CUDA's concurrency, the JavaCPP calls or the speed (scripts/gpu-check.sh).
 */
class HostReplayParityTest {
    static Stream<Arguments> grid() {
        Spec base = Spec.small().withFormat(false, false, DType.BF16, 1, 1); // PLT-2, G-SWA query gate, w = 3
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel")),
                Arguments.of("non-loop f32 tied bias", base.withLoops(1, "parallel").withFormat(true, true, DType.F32, 2, 1)),
                Arguments.of("vanilla loop-2", base.withLoops(2, "serial")),
                Arguments.of("vanilla loop-3 per-loop norm", base.withLoops(3, "serial").withScales(1, 1, true)),
                Arguments.of("PLT-2 G-SWA query gate", base),
                Arguments.of("PLT-3 G-SWA query gate", base.withLoops(3, "parallel")),
                Arguments.of("PLT-2 G-SWA hidden-state gate", base.withSharing(true, true, true, 3)),
                Arguments.of("PLT-3 G-SWA hidden gate w=0", base.withLoops(3, "parallel").withSharing(true, true, true, 0)),
                Arguments.of("PLT-2 kv-share only", base.withSharing(true, false, false, 3)),
                Arguments.of("PLT-3 CLP only", base.withLoops(3, "parallel").withSharing(false, true, false, 3)),
                Arguments.of("PLT-2 scales 0.707/0.053", base.withScales(0.707, 0.053, false)),
                Arguments.of("PLT-3 scales + per-loop norm", base.withLoops(3, "parallel").withScales(0.8, 1.3, true)),
                Arguments.of("PLT-2 MHA bias tied", base.withShape(32, 64, 2, 4, 4, 8, 300).withFormat(true, true, DType.BF16, 3, 1)),
                Arguments.of("PLT-2 GQA 8/2 head_dim 16 wide window", base.withShape(48, 96, 3, 8, 2, 16, 300)
                        .withSharing(true, true, false, 40)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void replayedCudaPathMatchesCpuAtEveryPositionAndStep(String name, Spec spec, @TempDir Path dir) {
        try (ReplayHarness h = new ReplayHarness(dir, spec, 4)) {
            Random random = new Random(42);
            int[] prompt = random.ints(11, 0, spec.vocab()).toArray();
            Sequence cpuSeq = h.cpu.start();
            Sequence cudaSeq = h.cuda.start();
            List<float[]> expected = new ArrayList<>(h.cpuAppend(List.of(cpuSeq), List.of(prompt), true, null));
            List<ReplayHarness.CudaRow> actual = new ArrayList<>(h.cudaAppend(List.of(cudaSeq), List.of(prompt), true));
            for (int step = 0; step < 6; step++) {
                int[] token = {random.nextInt(spec.vocab())};
                expected.addAll(h.cpuAppend(List.of(cpuSeq), List.of(token), false, null));
                actual.addAll(h.cudaAppend(List.of(cudaSeq), List.of(token), false));
            }
            assertEquals(prompt.length + 6, cudaSeq.length());
            assertEquals(cpuSeq.kvBytes(), cudaSeq.kvBytes(), "KV bytes, counted like the CPU engine");
            assertEquals(expected.size(), actual.size());
            float worst = 0;
            for (int i = 0; i < expected.size(); i++) {
                LogitsComparison c = LogitsComparison.of(expected.get(i), h.values(actual.get(i)));
                worst = Math.max(worst, c.relative());
                String where = i < prompt.length ? "prefill position " + i : "decode step " + (i - prompt.length);
                assertTrue(c.withinTolerance(), name + " " + where + ": " + c);
                assertTrue(c.spread() > 1e-3f, name + ": logits are (nearly) constant, the test would prove nothing");
            }
            System.out.printf("%-40s worst relative logits error %.4f%n", name, worst);
        }
    }
}
