package dev.plt.jobs.cli;

import dev.plt.jobs.infer.InferJob;
import dev.plt.jobs.infer.OutputFile;
import dev.plt.jobs.options.LengthOptions;
import dev.plt.jobs.options.ModelOptions;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.ErrorKindCounts;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {"Scores and greedily continues token sequences from a JSONL file, without Spark.",
            "Input lines: {\"id\": .., \"input_ids\": [..]} or {\"id\": .., \"text\": \"..\"}, "
                    + "optional \"max_new_tokens\": k (default 0).",
            "Output lines: id, input_ids, token_logprobs (first null), output_ids, output_text; "
                    + "or id, line, error and error_kind for a bad line. One output line per input line "
                    + "that is not blank.",
            "The output is written to a hidden file next to it and renamed when the job is done: a failed or "
                    + "killed run leaves an existing output as it was.",
            "Exit code: 0 all rows ok, 3 some rows failed (see their error fields), 2 the job could not run."})
public final class InferCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--input", required = true, paramLabel = "IN.jsonl", description = "Input JSONL file.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl",
            description = "Output JSONL file; not the input, not inside the model directory.")
    Path output;

    @Option(names = "--overwrite",
            description = "Replace an existing output, if it is a previous plt infer output (empty, or a first "
                    + "line with \"id\" and \"token_logprobs\" or \"error_kind\"). Without it an existing output "
                    + "is refused.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N",
            description = "Rows per engine batch. Results do not depend on it. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--max-line-bytes", defaultValue = "" + InferJob.DEFAULT_MAX_LINE_BYTES, paramLabel = "N",
            description = "A longer input line fails alone (error_kind too_long) without being held in memory. "
                    + "Default: ${DEFAULT-VALUE} (16 MiB).")
    int maxLineBytes;

    @Mixin
    LengthOptions lengthOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Everything is checked, and the model loaded, before the output is touched.
        InferJob.checkOptions(batchSize, maxLineBytes);
        modelOptions.validate();
        LengthLimit limit = lengthOptions.limit(LengthLimit.Overlong.ERROR);
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new IllegalArgumentException("--input " + input + ": "
                    + (Files.exists(input) ? "not a readable file" : "no such file"));
        }
        OutputFile target = OutputFile.check(output, input, modelOptions.modelDirectory(), overwrite);
        PrintWriter err = spec.commandLine().getErr();
        try (PltModel model = modelOptions.load()) {
            InferJob job = new InferJob(model, batchSize, limit, maxLineBytes);
            InferJob.Summary summary;
            try (InputStream in = Files.newInputStream(input); OutputFile out = target) {
                summary = job.run(in, out.open());
                out.commit();
            }
            err.printf("plt infer: %d rows, %d errors%s -> %s%n", summary.rows(), summary.errors(),
                    summary.errors() == 0 ? "" : " (" + ErrorKindCounts.describe(summary.errorsByKind()) + ")", output);
            summary.firstErrors().forEach(e -> err.println("  " + e));
            err.flush();
            return summary.errors() == 0 ? 0 : PltCli.EXIT_ROW_ERRORS;
        } catch (OutOfMemoryError e) { // the batch, the line and the rows are unreachable now: there is room to say so
            err.printf("plt infer: out of memory (Java heap, at most %d MiB): lower --batch-size or --max-line-bytes, "
                    + "or give the JVM more heap (PLT_JAVA_OPTS=-Xmx8g); %s was not changed%n",
                    Runtime.getRuntime().maxMemory() >> 20, output);
            err.flush();
            return PltCli.EXIT_RUNTIME_FAILURE;
        }
    }
}
