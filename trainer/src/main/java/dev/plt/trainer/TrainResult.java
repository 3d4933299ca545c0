package dev.plt.trainer;

import java.nio.file.Path;

/**
 * What a finished run reports (all losses in nats per counted token; for byte-level data
 * bits per byte = loss / ln 2).
 *
 * @param initialLoss   loss of the first training batch, before any update
 * @param finalTrainLoss mean training loss over the last logging interval
 * @param valLoss       loss over the whole held-out split after training (NaN if it is empty)
 */
public record TrainResult(long parameters, int steps, double initialLoss, double finalTrainLoss, double valLoss,
        double seconds, double tokensPerSecond, Path output) {

    public double valBitsPerToken() {
        return valLoss / Math.log(2);
    }
}
