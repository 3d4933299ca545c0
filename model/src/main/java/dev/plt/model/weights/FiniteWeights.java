package dev.plt.model.weights;

import dev.plt.model.io.ModelFileException;
import dev.plt.model.io.TensorInfo;
import dev.plt.model.tensor.Bf16Matrix;
import java.util.Arrays;

/**
 * Finds NaN and infinite weights as they are loaded. One NaN weight makes every row's logits NaN, so
 * a checkpoint saved after training diverged (or damaged on disk) must fail at load, naming the file,
 * the tensor and the element, instead of producing NaN scores for a whole job.
 */
final class FiniteWeights {
    /** bf16 exponent bits: all ones means Inf or NaN, as in float32. */
    private static final int BF16_EXPONENT = 0x7F80;

    private FiniteWeights() {
    }

    static void requireFinite(TensorInfo tensor, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw failure(tensor, i, values[i]);
            }
        }
    }

    static void requireFiniteBf16(TensorInfo tensor, short[] bits) {
        for (int i = 0; i < bits.length; i++) {
            if ((bits[i] & BF16_EXPONENT) == BF16_EXPONENT) {
                throw failure(tensor, i, Bf16Matrix.toFloat(bits[i]));
            }
        }
    }

    private static ModelFileException failure(TensorInfo tensor, int index, float value) {
        String where = tensor.rank() == 2
                ? "element " + index + " (row " + index / tensor.dim(1) + ", column " + index % tensor.dim(1) + ")"
                : "element " + index;
        return ModelFileException.of(tensor.file(), tensor.name(), "holds " + value + " at " + where + " of shape "
                + Arrays.toString(tensor.shape()) + ": the checkpoint is damaged or was saved after training diverged");
    }
}
