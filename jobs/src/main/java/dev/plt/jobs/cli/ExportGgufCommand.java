package dev.plt.jobs.cli;

import dev.plt.model.io.gguf.GgmlType;
import dev.plt.model.io.gguf.LlamaGgufExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export-gguf", mixinStandardHelpOptions = true,
        description = {"Writes a non-loop checkpoint as a GGUF v3 file of llama.cpp's llama architecture (metadata, "
                + "byte-level BPE vocabulary, tensors under llama.cpp's names, Q/K rows in its RoPE order), so that "
                + "llama.cpp can run the same model: plt bench --peer llama.cpp, and the log-prob check LlamaCppGgufParityTest (docs/BENCHMARKS.md).",
            "PLT and looped models are refused: llama.cpp has no cross-loop attention. Norms and biases stay in f32; "
                + "with q8_0 a matrix whose rows are not a multiple of 32 values is written in f16 (and listed)."})
public final class ExportGgufCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Non-loop model directory.")
    Path model;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The .gguf file to write.")
    Path output;

    @Option(names = "--type", defaultValue = "f32", paramLabel = "T",
            description = "Matrix type: f32, f16, bf16 or q8_0. Default: ${DEFAULT-VALUE}.")
    String type;

    @Option(names = "--overwrite", description = "Replace an existing --output file.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        GgmlType chosen = GgmlType.parse(type, "--type");
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new IllegalArgumentException("--model: " + model + " has no config.json");
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output: " + output + " is a directory; give a .gguf file name");
        }
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output: " + output + " exists (add --overwrite to replace it)");
        }
        LlamaGgufExport.Result result = LlamaGgufExport.export(model, chosen, output);
        System.err.printf(Locale.ROOT, "plt export-gguf: wrote %s (%s, %d tensors, %.1f MB)%s%n", result.file(),
                chosen.ggmlName(), result.tensors(), result.bytes() / 1e6, result.f16Fallbacks().isEmpty() ? ""
                        : "; in f16, rows not a multiple of 32: " + String.join(", ", result.f16Fallbacks()));
        return 0;
    }
}
