package dev.plt.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The DJL/PyTorch peer: runs {@code bin/plt-peer} (trainer module) as a child process on the same model
 * directories the engine measured, and sets its figures next to the engine's. Two runs per model, so each
 * side is compared on the same work: one with the engine's short decode prompt for decode at every batch
 * size, one with the engine's long prompt at batch 1 for prefill.
 */
final class PeerBench {
    static final List<String> VARIANTS = List.of("non-loop", "plt-2");
    private static final long TIMEOUT_SECONDS = 900;

    /** What the peer's runs are asked to do: the engine's own settings. */
    record Request(List<Integer> batches, int decodePromptTokens, int prefillTokens, int steps, int threads) {
    }

    private PeerBench() {
    }

    /** Why the peer cannot run from {@code home}, or empty when it can. */
    static Optional<String> missing(Path home) {
        Path script = home.resolve("bin/plt-peer");
        if (!Files.isExecutable(script)) {
            return Optional.of(script + " not found (the DJL/PyTorch peer is not installed in this checkout)");
        }
        if (!Files.isDirectory(home.resolve("trainer/target/classes")) || !Files.isDirectory(home.resolve("trainer/target/lib"))) {
            return Optional.of("the trainer module is not built (trainer/target/classes, trainer/target/lib): "
                    + "run mvn -q -B -DskipTests package");
        }
        return Optional.empty();
    }

    /**
     * @param models       f32 model directory of each variant in {@link #VARIANTS}
     * @param engineDecode engine f32 decode tokens/s by variant and batch
     * @param enginePrefill engine f32 prefill tokens/s by variant
     * @param outputDir    where the peer's raw stdout is kept (peer-VARIANT-decode.json, ...)
     */
    static BenchReport.Peer run(Path home, Map<String, Path> models, Request request,
            Map<String, Map<Integer, Double>> engineDecode, Map<String, Double> enginePrefill, Path outputDir,
            Consumer<String> progress) {
        List<BenchReport.PeerFigure> figures = new ArrayList<>();
        String engine = null;
        for (String variant : VARIANTS) {
            PeerOutput decode;
            PeerOutput prefill;
            try {
                progress.accept("peer: " + variant + " decode at batches " + request.batches());
                decode = runOnce(home, models.get(variant), request.batches(), request.decodePromptTokens(),
                        request.steps(), request.threads(), outputDir.resolve("peer-" + variant + "-decode.json"));
                progress.accept("peer: " + variant + " prefill of " + request.prefillTokens() + " tokens");
                prefill = runOnce(home, models.get(variant), List.of(1), request.prefillTokens(), 2,
                        request.threads(), outputDir.resolve("peer-" + variant + "-prefill.json"));
            } catch (IOException | RuntimeException e) {
                return new BenchReport.Peer("failed", variant + ": " + e.getMessage(), engine, List.copyOf(figures));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new BenchReport.Peer("failed", "interrupted", engine, List.copyOf(figures));
            }
            engine = decode.engine();
            for (int batch : request.batches()) {
                PeerOutput.Result peer = decode.at(batch);
                Double engineTokens = engineDecode.getOrDefault(variant, Map.of()).get(batch);
                if (peer == null || engineTokens == null) {
                    continue;
                }
                Double peerPrefill = null;
                Double enginePrefillTokens = null;
                Double prefillSpeedup = null;
                if (batch == 1 && prefill.at(1) != null && enginePrefill.containsKey(variant)) {
                    peerPrefill = prefill.at(1).prefillTokensPerSecond();
                    enginePrefillTokens = enginePrefill.get(variant);
                    prefillSpeedup = enginePrefillTokens / peerPrefill;
                }
                figures.add(new BenchReport.PeerFigure(variant, batch, peer.decodeMsPerToken(),
                        peer.decodeTokensPerSecond(), engineTokens, engineTokens / peer.decodeTokensPerSecond(),
                        peerPrefill, enginePrefillTokens, prefillSpeedup));
            }
        }
        return new BenchReport.Peer("ok", "bin/plt-peer on the f32 " + String.join(" and ", VARIANTS) + " models",
                engine, List.copyOf(figures));
    }

    private static PeerOutput runOnce(Path home, Path model, List<Integer> batches, int promptTokens, int steps,
            int threads, Path stdoutFile) throws IOException, InterruptedException {
        List<String> command = List.of(home.resolve("bin/plt-peer").toString(), "--model", model.toString(),
                "--batches", batches.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--prompt-tokens", String.valueOf(promptTokens), "--decode-steps", String.valueOf(steps),
                "--threads", String.valueOf(threads));
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdoutFile.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT) // its progress joins ours on stderr
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("bin/plt-peer did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("bin/plt-peer exited with " + process.exitValue()
                    + " (its messages are above): " + String.join(" ", command));
        }
        return PeerOutput.parse(Files.readString(stdoutFile, StandardCharsets.UTF_8));
    }
}
