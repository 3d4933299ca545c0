package dev.plt.model.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds, with g++, a directory of stand-in CUDA libraries (src/main/cuda/host-emulation/fake_*): a
 * libcuda.so.1 whose cuLaunchKernel runs the project's kernels on CPU threads, a libcublas.so.13 whose
 * cublasGemmEx is evaluated by definition, and empty libcudart.so.13 / libcublasLt.so.13 carrying the symbol
 * versions JavaCPP's JNI wrappers ask for. A JVM started with this directory on LD_LIBRARY_PATH loads the
 * real JavaCPP bindings and sees one compute-capability-9.0 "host emulation" device.
 */
final class FakeDriver {
    private static final Path SOURCES = HostReplay.SOURCES.resolve("host-emulation");
    static final Path DIRECTORY = Path.of("target/fake-cuda");

    private FakeDriver() {
    }

    /** The library directory, built if needed; empty (with the reason) where g++ cannot build it. */
    static synchronized Optional<Path> libraries(StringBuilder whyNot) {
        try {
            Files.createDirectories(DIRECTORY);
            List<List<String>> builds = List.of(
                    List.of("g++", "-std=c++20", "-O2", "-pthread", "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1",
                            "-o", DIRECTORY.resolve("libcuda.so.1").toString(),
                            SOURCES.resolve("fake_cuda_driver.cpp").toString()),
                    List.of("g++", "-std=c++20", "-O2", "-shared", "-fPIC", "-Wl,-soname,libcublas.so.13",
                            "-Wl,--version-script=" + SOURCES.resolve("fake_cublas.map"),
                            "-o", DIRECTORY.resolve("libcublas.so.13").toString(),
                            SOURCES.resolve("fake_cublas.cpp").toString()),
                    List.of("g++", "-shared", "-fPIC", "-Wl,-soname,libcublasLt.so.13",
                            "-Wl,--version-script=" + SOURCES.resolve("fake_cublasLt.map"),
                            "-o", DIRECTORY.resolve("libcublasLt.so.13").toString(),
                            SOURCES.resolve("fake_empty_library.cpp").toString()),
                    List.of("g++", "-shared", "-fPIC", "-Wl,-soname,libcudart.so.13",
                            "-Wl,--version-script=" + SOURCES.resolve("fake_cudart.map"),
                            "-o", DIRECTORY.resolve("libcudart.so.13").toString(),
                            SOURCES.resolve("fake_empty_library.cpp").toString()));
            for (List<String> build : builds) {
                Path output = Path.of(build.get(build.indexOf("-o") + 1));
                if (Files.exists(output) && newestSource() < Files.getLastModifiedTime(output).toMillis()) {
                    continue;
                }
                Process p;
                try {
                    p = new ProcessBuilder(build).redirectErrorStream(true).start();
                } catch (IOException e) {
                    whyNot.append("no g++ on this machine");
                    return Optional.empty();
                }
                String log = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("building " + output + " failed:\n" + log);
                }
            }
            return Optional.of(DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long newestSource() throws IOException {
        long newest = 0;
        try (var files = Files.walk(HostReplay.SOURCES)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
            }
        }
        return newest;
    }

    /** Runs {@code dev.plt.model.cuda.GpuCheck args} in a new JVM that loads the fake libraries. */
    static Result runGpuCheck(Path libraries, List<String> args, long timeoutSeconds) {
        return run(libraries, "dev.plt.model.cuda.GpuCheck", args, timeoutSeconds);
    }

    /** Runs {@code mainClass args} (from this test classpath) in a new JVM that loads the fake libraries. */
    static Result run(Path libraries, String mainClass, List<String> args, long timeoutSeconds) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Xmx2g",
                "-Dorg.bytedeco.javacpp.cachedir=" + Path.of("target/javacpp-cache-fake").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("LD_LIBRARY_PATH", libraries.toAbsolutePath().toString());
            Process p = builder.start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("GpuCheck on the fake driver did not finish:\n" + output);
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String output) {
    }
}
