package dev.plt.model.cuda;

/**
 * How close two rows of logits are, measured the way a bf16 engine can be judged: the largest absolute
 * difference relative to the reference row's spread (max - min), and whether the top token agrees.
 * The CUDA path rounds weights and every GEMM input to bf16 (8 significant bits), so it cannot match the
 * f32 CPU engine to 1e-4; it must match to a few percent of the logits' range.
 */
record LogitsComparison(float maxAbsDiff, float spread, boolean sameTop) {
    /** Relative error bound for a row; calibrated on the replayed kernels (see HostReplayParityTest). */
    static final float TOLERANCE = 0.01f;

    static LogitsComparison of(float[] expected, float[] actual) {
        float worst = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            min = Math.min(min, expected[i]);
            max = Math.max(max, expected[i]);
        }
        return new LogitsComparison(worst, max - min, argmax(expected) == argmax(actual));
    }

    float relative() {
        return spread > 0 ? maxAbsDiff / spread : Float.POSITIVE_INFINITY;
    }

    boolean withinTolerance() {
        return relative() <= TOLERANCE && !Float.isNaN(maxAbsDiff);
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
