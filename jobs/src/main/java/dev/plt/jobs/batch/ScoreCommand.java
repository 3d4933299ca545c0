package dev.plt.jobs.batch;

import dev.plt.udfs.ml.PltScorer;
import dev.plt.udfs.ml.PltTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Spark job: log-probability of every row's text (or token ids).",
            "Output: the input columns + total_logprob, mean_logprob, token_count [, token_logprobs] + error, error_kind, "
                    + "prompt_tokens, completion_tokens, latency_ms, model_id."})
public final class ScoreCommand extends BatchJobCommand {
    @Option(names = "--per-token", description = "Also output token_logprobs (one per token after the first).")
    boolean perToken;

    @Override
    protected String name() {
        return "score";
    }

    @Override
    protected PltTransformer transformer() {
        return new PltScorer().setPerTokenLogprobs(perToken);
    }
}
