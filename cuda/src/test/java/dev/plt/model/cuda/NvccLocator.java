package dev.plt.model.cuda;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the build would have found nvcc (the same places cuda/pom.xml looks), for tests that expect kernels. */
final class NvccLocator {
    private NvccLocator() {
    }

    static Optional<Path> find() {
        String property = System.getProperty("plt.nvcc");
        if (property != null && Files.isExecutable(Path.of(property))) {
            return Optional.of(Path.of(property));
        }
        Path standard = Path.of("/usr/local/cuda/bin/nvcc");
        if (Files.isExecutable(standard)) {
            return Optional.of(standard);
        }
        String cudaHome = System.getenv("CUDA_HOME");
        if (cudaHome != null && Files.isExecutable(Path.of(cudaHome, "bin", "nvcc"))) {
            return Optional.of(Path.of(cudaHome, "bin", "nvcc"));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return Optional.of(Path.of(dir, "nvcc"));
            }
        }
        return Optional.empty();
    }
}
