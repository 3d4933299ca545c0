package dev.plt.datasets.tasks;

/**
 * Text to token ids, with nothing added (no BOS/EOS). {@code PltTokenizer::encode} is one; tests pass
 * a byte-level lambda.
 */
@FunctionalInterface
public interface TextEncoder {
    int[] encode(String text);
}
