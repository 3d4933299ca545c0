package dev.plt.jobs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the llama.cpp binaries built by {@code scripts/build-llama-cpp.sh} are: {@code $PLT_LLAMA_CPP/bin}, else
 * {@code target/llama.cpp/bin} of the installation. llama.cpp is optional: nothing here builds it.
 */
public record LlamaCppTools(Path bench, Path logprobs, String version) {
    public static final String ENV = "PLT_LLAMA_CPP";

    /** Both tools under {@code home}, or why they cannot be used. */
    public static Result find(Path home) {
        return find(home, true);
    }

    /** The tools under {@code home}; {@code needBench} false: llama-logprobs alone suffices (the parity check). */
    public static Result find(Path home, boolean needBench) {
        String explicit = System.getenv(ENV);
        Path root = explicit != null && !explicit.isBlank() ? Path.of(explicit) : home.resolve("target/llama.cpp");
        Path bench = root.resolve("bin/llama-bench");
        Path logprobs = root.resolve("bin/llama-logprobs");
        if ((needBench && !Files.isExecutable(bench)) || !Files.isExecutable(logprobs)) {
            return new Result(null, "llama.cpp is not built in " + root + " (run scripts/build-llama-cpp.sh, or set "
                    + ENV + " to a directory with bin/llama-bench and bin/llama-logprobs)");
        }
        String version = "llama.cpp";
        try {
            Path file = root.resolve("VERSION");
            if (Files.isRegularFile(file)) {
                version = Files.readString(file).strip();
            }
        } catch (java.io.IOException e) {
            // the version is for the report only
        }
        return new Result(new LlamaCppTools(bench, logprobs, version), null);
    }

    /** Either the tools or the reason they are missing. */
    public record Result(LlamaCppTools tools, String missing) {
        public Optional<LlamaCppTools> found() {
            return Optional.ofNullable(tools);
        }
    }
}
