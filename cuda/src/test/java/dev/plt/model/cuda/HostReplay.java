package dev.plt.model.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the replay program (src/main/cuda/host-emulation/replay.cpp, which compiles the real kernel
 * sources as C++) with the system's g++, once per source change, and runs operation logs through it.
 */
final class HostReplay {
    static final Path SOURCES = Path.of("src/main/cuda");
    private static final Path BINARY = Path.of("target/host-replay/plt-replay");

    private HostReplay() {
    }

    /** The replay program, built if needed; empty (with the reason) when there is no C++20 g++ here. */
    static synchronized Optional<Path> program(StringBuilder whyNot) {
        try {
            if (Files.isExecutable(BINARY) && newestSource().compareTo(Files.getLastModifiedTime(BINARY)) < 0) {
                return Optional.of(BINARY);
            }
            Files.createDirectories(BINARY.getParent());
            Process probe;
            try {
                probe = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
            } catch (IOException e) {
                whyNot.append("no g++ on this machine");
                return Optional.empty();
            }
            probe.getInputStream().readAllBytes();
            probe.waitFor();
            Process build = new ProcessBuilder("g++", "-std=c++20", "-O2", "-pthread", "-o", BINARY.toString(),
                    SOURCES.resolve("host-emulation/replay.cpp").toString()).redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes());
            if (!build.waitFor(300, TimeUnit.SECONDS) || build.exitValue() != 0) {
                throw new IllegalStateException("g++ failed to build the replay program:\n" + output);
            }
            return Optional.of(BINARY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static FileTime newestSource() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            FileTime newest = FileTime.fromMillis(0);
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                FileTime t = Files.getLastModifiedTime(p);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
            return newest;
        }
    }

    /** Runs a finished log; returns everything it downloaded, in order, as little-endian floats. */
    static ByteBuffer run(Path program, Path log) {
        Path out = log.resolveSibling(log.getFileName() + ".out");
        try {
            Process replay = new ProcessBuilder(List.of(program.toAbsolutePath().toString(), log.toString(),
                    out.toString())).redirectErrorStream(true).start();
            String output = new String(replay.getInputStream().readAllBytes());
            if (!replay.waitFor(600, TimeUnit.SECONDS) || replay.exitValue() != 0) {
                throw new IllegalStateException("replay failed: " + output);
            }
            return ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
