package dev.plt.model.inference;

import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scoring: log-probabilities of given tokens, reduced row by row as logits stream out of the path
 * (a log-softmax over the vocabulary is never stored per position), and lm-eval's
 * {@code loglikelihood(context, continuations)}, which prefills each context once and branches its
 * cache for every continuation.
 */
public final class Scorer {
    private final ForwardPath path;

    public Scorer(ForwardPath path) {
        this.path = path;
    }

    /**
     * Token log-probs of every sequence, computed as one batch. The last token of a sequence is only a
     * target: it is never fed, so a sequence of n tokens uses n - 1 positions.
     */
    public List<TokenScores> score(List<int[]> sequences) {
        List<Sequence> states = new ArrayList<>();
        List<int[]> fed = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            int[] tokens = sequences.get(i);
            if (tokens.length >= 2) { // a single token has nothing to predict
                states.add(path.start());
                fed.add(java.util.Arrays.copyOf(tokens, tokens.length - 1));
                owners.add(i);
            }
        }
        PromptScores scores = new PromptScores(sequences, path.config().vocabSize());
        if (!fed.isEmpty()) {
            path.append(states, fed, true, (s, position, logits, off) -> scores.accept(owners.get(s), position, logits,
                    off));
        }
        return scores.result();
    }

    /** One context with its continuations (lm-eval's multiple-choice shape). */
    public record Request(int[] context, List<int[]> continuations) {
    }

    /** Scores every continuation of every request; contexts are prefilled once, as one batch. */
    public List<List<ContinuationScore>> loglikelihood(List<Request> requests) {
        int vocab = path.config().vocabSize();
        List<Sequence> contexts = new ArrayList<>();
        List<int[]> contextTokens = new ArrayList<>();
        for (Request r : requests) {
            contexts.add(path.start());
            contextTokens.add(r.context());
        }
        float[][] lastContextLogits = new float[requests.size()][];
        path.append(contexts, contextTokens, false, (s, position, logits, off) ->
                lastContextLogits[s] = java.util.Arrays.copyOfRange(logits, off, off + vocab));

        // Every continuation on a fork of its context. Its last token is never fed: only the logits
        // before it are needed.
        List<Sequence> forks = new ArrayList<>();
        List<int[]> fed = new ArrayList<>();
        List<double[]> sums = new ArrayList<>();
        List<boolean[]> greedy = new ArrayList<>();
        List<int[]> owner = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            for (int c = 0; c < requests.get(r).continuations().size(); c++) {
                int[] continuation = requests.get(r).continuations().get(c);
                if (continuation.length == 0) {
                    throw new InvalidInputException(ErrorKind.EMPTY_INPUT, "continuation " + c + " of request " + r
                            + " is empty");
                }
                double first = NonFiniteLogits.require(lastContextLogits[r][continuation[0]]
                        - LogProbs.logSumExp(lastContextLogits[r], 0, vocab), requests.get(r).context().length - 1);
                boolean firstGreedy = LogProbs.argmax(lastContextLogits[r], 0, vocab) == continuation[0];
                forks.add(path.fork(contexts.get(r)));
                fed.add(java.util.Arrays.copyOf(continuation, continuation.length - 1));
                sums.add(new double[] {first});
                greedy.add(new boolean[] {firstGreedy});
                owner.add(new int[] {r, c, requests.get(r).context().length});
            }
        }
        path.append(forks, fed, true, (f, position, logits, off) -> {
            int r = owner.get(f)[0];
            int c = owner.get(f)[1];
            int[] continuation = requests.get(r).continuations().get(c);
            int target = continuation[position - owner.get(f)[2] + 1];
            sums.get(f)[0] += NonFiniteLogits.require(logits[off + target] - LogProbs.logSumExp(logits, off, vocab),
                    position);
            greedy.get(f)[0] &= LogProbs.argmax(logits, off, vocab) == target;
        });

        List<List<ContinuationScore>> out = new ArrayList<>();
        int f = 0;
        for (Request request : requests) {
            List<ContinuationScore> scores = new ArrayList<>();
            for (int[] continuation : request.continuations()) {
                scores.add(new ContinuationScore(sums.get(f)[0], greedy.get(f)[0], continuation.length));
                f++;
            }
            out.add(scores);
        }
        return out;
    }
}
