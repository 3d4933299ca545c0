package dev.plt.jobs.cli;

import dev.plt.jobs.infer.InferJob;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.LengthLimit;
import dev.plt.udfs.batch.ErrorKindCounts;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {"Scores and greedily continues token sequences from a JSONL file, without Spark.",
            "Input lines: {\"id\": .., \"input_ids\": [..]} or {\"id\": .., \"text\": \"..\"}, "
                    + "optional \"max_new_tokens\": k (default 0).",
            "Output lines: id, input_ids, token_logprobs (first null), output_ids, output_text; "
                    + "or id, line, error and error_kind for a bad line. One output line per input line "
                    + "that is not blank.",
            "Exit code: 0 all rows ok, 3 some rows failed (see their error fields), 2 the job could not run."})
public final class InferCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--input", required = true, paramLabel = "IN.jsonl", description = "Input JSONL file.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl", description = "Output JSONL file.")
    Path output;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N",
            description = "Rows per engine batch. Results do not depend on it. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--max-line-bytes", defaultValue = "16777216", paramLabel = "N",
            description = "A longer input line fails alone (error_kind too_long) without being held in memory. "
                    + "Default: ${DEFAULT-VALUE} (16 MiB).")
    int maxLineBytes;

    @Mixin
    LengthOptions lengthOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InferJob.checkOptions(batchSize, maxLineBytes);
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file");
        }
        LengthLimit limit = lengthOptions.limit(LengthLimit.Overlong.ERROR);
        try (PltModel model = modelOptions.load();
                InputStream in = Files.newInputStream(input);
                BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            InferJob.Summary summary = new InferJob(model, batchSize, limit, maxLineBytes).run(in, out);
            PrintWriter err = spec.commandLine().getErr();
            err.printf("plt infer: %d rows, %d errors%s -> %s%n", summary.rows(), summary.errors(),
                    summary.errors() == 0 ? "" : " (" + ErrorKindCounts.describe(summary.errorsByKind()) + ")", output);
            summary.firstErrors().forEach(e -> err.println("  " + e));
            err.flush();
            return summary.errors() == 0 ? 0 : PltCli.EXIT_ROW_ERRORS;
        }
    }
}
