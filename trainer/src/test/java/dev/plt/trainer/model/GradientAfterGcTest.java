package dev.plt.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a use-after-free: DJL's {@code mul(Number)} closes the scalar tensor it makes
 * (backed by a Java direct buffer) while autograd still holds it, so a garbage collection between
 * forward and backward let the backward read freed memory (sporadic NaN gradients in training).
 * Here the gradients computed with a forced GC and the freed memory overwritten in between must equal
 * the gradients computed without.
 */
class GradientAfterGcTest {
    @Test
    void gradientsDoNotDependOnGarbageCollection() {
        PltArchitecture arch = PltArchitecture.of(32, 64, 2, 4, 2, 8).withLoops(2, "parallel", true, true, false, 3)
                .withScales(0.7, 0.3, true);
        try (NDManager manager = NDManager.newBaseManager();
                PltParameters params = PltParameters.create(manager, arch, ParameterInit.PERTURBED, 5)) {
            long[] tokens = new long[2 * 12];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 37) % arch.vocabSize();
            }
            float[] quiet = gradients(manager, arch, params, tokens, false);
            float[] disturbed = gradients(manager, arch, params, tokens, true);
            assertArrayEquals(quiet, disturbed, 0f);
        }
    }

    /** All gradients, concatenated, of the mean logit-squared loss; zeroes them afterwards. */
    private static float[] gradients(NDManager manager, PltArchitecture arch, PltParameters params, long[] tokens,
            boolean collectGarbageBeforeBackward) {
        try (NDScope scope = new NDScope()) {
            NDArray input = manager.create(tokens, new Shape(2, tokens.length / 2));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = new PltForward(arch, params).logits(input).square().mean();
                if (collectGarbageBeforeBackward) {
                    overwriteFreedMemory();
                }
                collector.backward(loss);
            }
            List<Float> all = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                NDArray grad = e.getValue().getGradient();
                for (float v : grad.toFloatArray()) {
                    all.add(v);
                }
                grad.muli(0f);
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    /** Lets the GC free unreachable direct buffers, then reuses that memory with NaN bit patterns. */
    private static void overwriteFreedMemory() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            List<ByteBuffer> filler = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                b.putInt(0, 0x7fc00000);
                filler.add(b);
            }
        }
    }
}
