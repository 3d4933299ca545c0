package dev.plt.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AdamW against the update written out by hand, over three steps with a gradient that changes each
 * step: this also proves the gradient is zeroed between steps (PyTorch would otherwise accumulate it),
 * and that only matrices are decayed.
 */
class AdamWTest {
    private static final double B1 = 0.9;
    private static final double B2 = 0.95;
    private static final double EPS = 1e-8;
    private static final double DECAY = 0.1;

    @Test
    void matchesTheAdamWUpdateWrittenOutByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray matrix = manager.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(2, 2));
            NDArray vector = manager.create(new float[] {1f, -1f}, new Shape(2));
            matrix.setRequiresGradient(true);
            vector.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("m", matrix);
            params.put("v", vector);
            AdamW adam = new AdamW(manager, params, B1, B2, EPS, DECAY);

            double[] w = {1, -2, 0.5, 3, 1, -1};
            double[] m = new double[6];
            double[] v = new double[6];
            double lr = 0.01;
            for (int step = 1; step <= 3; step++) {
                // loss = step * sum(w^2) / 2: gradient step * w, different at every step.
                float k = step;
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        // The factor is a PyTorch-owned tensor, not mul(Number): see PltForward's class comment.
                        NDArray half = manager.full(new Shape(), k / 2f);
                        NDArray loss = matrix.square().sum().add(vector.square().sum()).mul(half);
                        c.backward(loss);
                    }
                    adam.step(params, lr, 1.0);
                }
                for (int i = 0; i < 6; i++) {
                    double g = k * w[i];
                    m[i] = B1 * m[i] + (1 - B1) * g;
                    v[i] = B2 * v[i] + (1 - B2) * g * g;
                    if (i < 4) {
                        w[i] *= 1 - lr * DECAY;
                    }
                    double mHat = m[i] / (1 - Math.pow(B1, step));
                    double vHat = v[i] / (1 - Math.pow(B2, step));
                    w[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
                }
            }
            float[] expectedMatrix = {(float) w[0], (float) w[1], (float) w[2], (float) w[3]};
            assertArrayEquals(expectedMatrix, matrix.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {(float) w[4], (float) w[5]}, vector.toFloatArray(), 1e-5f);
            assertEquals(0f, matrix.getGradient().abs().sum().getFloat(), "gradient zeroed after the step");
        }
    }
}
