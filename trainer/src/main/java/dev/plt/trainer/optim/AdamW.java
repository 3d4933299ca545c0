package dev.plt.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter): Adam moments with bias correction, and weight decay applied to the
 * weights directly (decoupled), only to matrices: norms, biases and gate biases are not decayed.
 *
 * <p>Written out rather than taken from DJL's optimizer because that one creates its moment arrays
 * lazily inside whatever {@code NDScope} is open at the first update, which closes them with the
 * step's temporaries. Here the moments are created up front on the parameters' manager.
 *
 * <p>{@link #step} reads each parameter's gradient, updates the parameter in place (grad mode is off
 * outside a gradient collector, so PyTorch allows it) and zeroes the gradient, since PyTorch
 * accumulates gradients across backward passes.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private int steps;

    public AdamW(NDManager manager, Map<String, NDArray> parameters, double beta1, double beta2, double epsilon,
            double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> moments.put(name, new NDArray[] {
                manager.zeros(p.getShape(), p.getDataType()), manager.zeros(p.getShape(), p.getDataType())}));
    }

    /**
     * One update of every parameter with its current gradient times {@code gradientScale} (the clip
     * factor). Call inside an {@code NDScope}: temporaries are created on the way.
     */
    public void step(Map<String, NDArray> parameters, double learningRate, double gradientScale) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray[] mv = moments.get(e.getKey());
            NDArray grad = p.getGradient();
            NDArray g = grad.mul((float) gradientScale);
            mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            mv[1].muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
            if (p.getShape().dimension() >= 2 && weightDecay > 0) {
                p.muli((float) (1 - learningRate * weightDecay));
            }
            NDArray denominator = mv[1].div((float) correction2).sqrt().add((float) epsilon);
            p.subi(mv[0].div((float) correction1).div(denominator).mul((float) learningRate));
            grad.muli(0f);
        }
    }

    /** The global L2 norm of all gradients, for clipping: scale by min(1, maxNorm / norm). */
    public static double gradientNorm(Map<String, NDArray> parameters) {
        double sumSquares = 0;
        for (NDArray p : parameters.values()) {
            sumSquares += p.getGradient().square().sum().getFloat();
        }
        return Math.sqrt(sumSquares);
    }
}
