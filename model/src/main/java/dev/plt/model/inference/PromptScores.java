package dev.plt.model.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * Token log-probs of given sequences, reduced from a stream of logits as a prefill hands them out
 * (a log-softmax over the vocabulary is never stored per position). Shared by scoring and by
 * {@link Generator#scoreAndGenerate}, so both give the same bits.
 */
final class PromptScores {
    private final List<int[]> sequences;
    private final int vocab;
    private final List<double[]> logprobs = new ArrayList<>();

    PromptScores(List<int[]> sequences, int vocab) {
        this.sequences = sequences;
        this.vocab = vocab;
        for (int[] tokens : sequences) {
            double[] lp = new double[tokens.length];
            if (lp.length > 0) {
                lp[0] = Double.NaN; // nothing predicts the first token
            }
            logprobs.add(lp);
        }
    }

    /** The logits of sequence s at {@code position} predict its token at position + 1, if there is one. */
    void accept(int s, int position, float[] logits, int off) {
        int[] tokens = sequences.get(s);
        if (position + 1 < tokens.length) {
            int target = tokens[position + 1];
            logprobs.get(s)[position + 1] = NonFiniteLogits.require(
                    logits[off + target] - LogProbs.logSumExp(logits, off, vocab), position);
        }
    }

    List<TokenScores> result() {
        List<TokenScores> out = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) {
            out.add(new TokenScores(sequences.get(s), logprobs.get(s)));
        }
        return out;
    }
}
