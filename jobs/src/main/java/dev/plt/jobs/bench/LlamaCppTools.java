package dev.plt.jobs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the llama.cpp binaries built by {@code scripts/build-llama-cpp.sh} are: {@code $PLT_LLAMA_CPP/bin}, else
 * {@code target/llama.cpp/bin} of the installation. llama.cpp is optional: nothing here builds it.
 *
 * @param bench    llama-bench, or where it is not built (yet) llama-speed (scripts/llama-speed.cpp), which takes
 *                 the same options and measures the same way; {@link #benchName()} says which
 * @param logprobs llama-logprobs (scripts/llama-logprobs.cpp)
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
        if (!Files.isExecutable(bench)) {
            bench = root.resolve("bin/llama-speed");
        }
        Path logprobs = root.resolve("bin/llama-logprobs");
        if ((needBench && !Files.isExecutable(bench)) || !Files.isExecutable(logprobs)) {
            return new Result(null, "llama.cpp is not built in " + root + " (run scripts/build-llama-cpp.sh, or set "
                    + ENV + " to a directory with bin/llama-bench or bin/llama-speed, and bin/llama-logprobs)");
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

    /** llama-bench or llama-speed. */
    public String benchName() {
        return bench.getFileName().toString();
    }

    /** Either the tools or the reason they are missing. */
    public record Result(LlamaCppTools tools, String missing) {
        public Optional<LlamaCppTools> found() {
            return Optional.ofNullable(tools);
        }
    }
}
