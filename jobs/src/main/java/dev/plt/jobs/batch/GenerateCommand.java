package dev.plt.jobs.batch;

import dev.plt.jobs.options.OptionRanges;
import dev.plt.udfs.ml.PltGenerator;
import dev.plt.udfs.ml.PltTransformer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Spark job: a continuation for every row's text (or token ids).",
            "Output: the input columns + generated_text, generated_ids, finish_reason + error, error_kind, prompt_tokens, "
                    + "completion_tokens, latency_ms, model_id."})
public final class GenerateCommand extends BatchJobCommand {
    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 for greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0: no top-k cut. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "1: no nucleus cut. Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--stop", paramLabel = "STRING", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    @Override
    protected String name() {
        return "generate";
    }

    @Override
    protected void validateJobOptions() {
        OptionRanges.atLeast("--max-new-tokens", maxNewTokens, 0);
        OptionRanges.between("--temperature", temperature, 0, false, 100);
        OptionRanges.atLeast("--top-k", topK, 0);
        OptionRanges.between("--top-p", topP, 0, true, 1);
    }

    @Override
    protected PltTransformer transformer() {
        return new PltGenerator().setMaxNewTokens(maxNewTokens).setTemperature(temperature).setTopK(topK)
                .setTopP(topP).setSeed(seed).setStop(stop.toArray(String[]::new));
    }
}
