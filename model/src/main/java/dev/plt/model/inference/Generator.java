package dev.plt.model.inference;

import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.tokenizer.PltTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched generation: prefill every prompt, then one decode step per token for the sequences still
 * running (each step is one CLP pass in PLT mode). A sequence leaves the batch when it emits a stop
 * token, completes a stop string or reaches max_new_tokens; the others go on.
 *
 * <p>With a tokenizer, a generated id that has no token (the model's vocab_size padded above the
 * tokenizer's) fails the call with {@link ErrorKind#TOKEN_OUT_OF_RANGE} rather than vanishing from the
 * text; callers retry a failed batch row by row, so only that row gets the error.
 */
public final class Generator {
    private final ForwardPath path;
    private final PltTokenizer tokenizer; // may be null: then no text and no stop strings

    public Generator(ForwardPath path, PltTokenizer tokenizer) {
        this.path = path;
        this.tokenizer = tokenizer;
    }

    public List<Generation> generate(List<int[]> prompts, GenerationParams params) {
        return generate(prompts, params, null);
    }

    /**
     * {@link #generate} that also scores every prompt token, as {@link Scorer#score} would, from the same
     * prefill: scoring needs the logits of every prompt position, generation the cache the prefill leaves,
     * and one pass gives both (a prompt is not prefilled twice). Results are bitwise those of the two
     * separate calls.
     */
    public List<ScoredGeneration> scoreAndGenerate(List<int[]> prompts, GenerationParams params) {
        PromptScores scores = new PromptScores(prompts, path.config().vocabSize());
        List<Generation> generations = generate(prompts, params, scores);
        List<TokenScores> scored = scores.result();
        List<ScoredGeneration> out = new ArrayList<>();
        for (int s = 0; s < prompts.size(); s++) {
            out.add(new ScoredGeneration(scored.get(s), generations.get(s)));
        }
        return out;
    }

    /** @param promptScores receives every prompt position's logits when not null (then the prompt always runs) */
    private List<Generation> generate(List<int[]> prompts, GenerationParams params, PromptScores promptScores) {
        if (!params.stopStrings().isEmpty() && tokenizer == null) {
            throw new IllegalArgumentException("stop strings need a tokenizer, and this model has none");
        }
        int vocab = path.config().vocabSize();
        int n = prompts.size();
        List<Sequence> sequences = new ArrayList<>();
        Sampler[] samplers = new Sampler[n];
        int[][] generated = new int[n][params.maxNewTokens()];
        int[] produced = new int[n];
        String[] finish = new String[n];
        int[] next = new int[n];
        for (int s = 0; s < n; s++) {
            sequences.add(path.start());
            samplers[s] = new Sampler(params);
        }
        if (params.maxNewTokens() == 0) {
            Arrays.fill(finish, "length");
            if (promptScores != null) {
                path.append(sequences, prompts, true, promptScores::accept);
            }
        } else if (promptScores == null) {
            path.append(sequences, prompts, false, (s, position, logits, off) -> {
                NonFiniteLogits.require(logits, off, vocab, position);
                next[s] = samplers[s].next(logits, off, vocab);
            });
        } else {
            path.append(sequences, prompts, true, (s, position, logits, off) -> {
                promptScores.accept(s, position, logits, off);
                if (position == prompts.get(s).length - 1) {
                    NonFiniteLogits.require(logits, off, vocab, position);
                    next[s] = samplers[s].next(logits, off, vocab);
                }
            });
        }

        List<Integer> running = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (finish[s] == null && accept(s, next[s], params, generated, produced, finish)) {
                running.add(s);
            }
        }
        while (!running.isEmpty()) {
            List<Sequence> stepSequences = new ArrayList<>();
            List<int[]> stepTokens = new ArrayList<>();
            for (int s : running) {
                stepSequences.add(sequences.get(s));
                stepTokens.add(new int[] {next[s]});
            }
            List<Integer> step = running;
            path.append(stepSequences, stepTokens, false, (i, position, logits, off) -> {
                NonFiniteLogits.require(logits, off, vocab, position);
                next[step.get(i)] = samplers[step.get(i)].next(logits, off, vocab);
            });
            List<Integer> stillRunning = new ArrayList<>();
            for (int s : running) {
                if (accept(s, next[s], params, generated, produced, finish)) {
                    stillRunning.add(s);
                }
            }
            running = stillRunning;
        }

        List<Generation> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int[] tokens = Arrays.copyOf(generated[s], produced[s]);
            String text = tokenizer == null ? null : tokenizer.decode(tokens);
            if (text != null) {
                int cut = firstStop(text, params.stopStrings());
                if (cut >= 0) {
                    text = text.substring(0, cut);
                    finish[s] = "stop";
                }
            }
            out.add(new Generation(tokens, text, finish[s]));
        }
        return out;
    }

    /** Records token {@code token} for sequence s; returns whether s should keep generating. */
    private boolean accept(int s, int token, GenerationParams params, int[][] generated, int[] produced,
            String[] finish) {
        if (params.stopTokens().contains(token)) {
            finish[s] = "stop";
            return false;
        }
        generated[s][produced[s]++] = token;
        if (!params.stopStrings().isEmpty()) {
            String text = tokenizer.decode(Arrays.copyOf(generated[s], produced[s]));
            if (firstStop(text, params.stopStrings()) >= 0) {
                finish[s] = "stop";
                return false;
            }
        }
        if (produced[s] == params.maxNewTokens()) {
            finish[s] = "length";
            return false;
        }
        return true;
    }

    private static int firstStop(String text, List<String> stops) {
        int cut = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        return cut;
    }
}
