package dev.plt.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Runs {@code llama-logprobs} (scripts/llama-logprobs.cpp) on token ids: llama.cpp's log p(x_t | x_<t). */
public final class LlamaCppLogprobs {
    private LlamaCppLogprobs() {
    }

    /**
     * @return {@code logprobs[t]} for t = 1..n-1, {@code logprobs[0] = NaN} (as the engine's TokenScores)
     */
    public static double[] run(LlamaCppTools tools, Path gguf, int[] ids, int threads, Path workDir)
            throws IOException, InterruptedException {
        Path idsFile = Files.writeString(Files.createTempFile(workDir, "ids", ".txt"),
                IntStream.of(ids).mapToObj(String::valueOf).collect(Collectors.joining(" ")));
        Path stdout = workDir.resolve(idsFile.getFileName() + ".out");
        Path stderr = workDir.resolve(idsFile.getFileName() + ".err");
        List<String> command = List.of(tools.logprobs().toString(), gguf.toString(), idsFile.toString(),
                String.valueOf(threads));
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("llama-logprobs did not finish within 300 s: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("llama-logprobs exited with " + process.exitValue() + ": "
                    + Files.readString(stderr, StandardCharsets.UTF_8).strip());
        }
        double[] logprobs = new double[ids.length];
        logprobs[0] = Double.NaN;
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        if (lines.size() != ids.length - 1) {
            throw new IllegalStateException("llama-logprobs printed " + lines.size() + " lines for " + ids.length
                    + " tokens");
        }
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            int t = Integer.parseInt(parts[0]);
            if (Integer.parseInt(parts[1]) != ids[t]) {
                throw new IllegalStateException("llama-logprobs: position " + t + " scored token " + parts[1]
                        + ", expected " + ids[t]);
            }
            logprobs[t] = Double.parseDouble(parts[2]);
        }
        return logprobs;
    }
}
