package dev.plt.model.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plt.model.io.DType;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The bench's model directories, cached on disk and keyed by the shape:
 * <pre>
 *   CACHE/KEY/f32/weights/          model.safetensors (+ gate tensors), tokenizer.json, written once
 *   CACHE/KEY/f32/plt-2/            config.json of the variant; model.safetensors and tokenizer.json
 *                                   are hard links to ../weights (no copy: every variant reads the same file)
 * </pre>
 * Weights are written to a temporary directory and renamed into place, so an interrupted run never
 * leaves a half-written file that a later run would reuse.
 */
public final class BenchModels {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String WEIGHTS = "weights";
    private static final String[] SHARED_FILES = {SafetensorsReader.SINGLE_FILE, "tokenizer.json"};

    private final Path root;
    private final BenchShape shape;
    private final Consumer<String> progress;

    public BenchModels(Path cacheDir, BenchShape shape, Consumer<String> progress) {
        this.root = cacheDir.resolve(shape.key());
        this.shape = shape;
        this.progress = progress;
    }

    /** The directory of {@code variant} in {@code dtype}, creating weights and links when missing. */
    public Path variantDir(DType dtype, BenchVariant variant) {
        Path dtypeDir = root.resolve(dtype.name().toLowerCase(Locale.ROOT));
        Path weights = ensureWeights(dtypeDir, dtype);
        Path dir = dtypeDir.resolve(variant.id());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(variant.config(shape, dtype)));
            for (String name : SHARED_FILES) {
                link(dir.resolve(name), weights.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the bench model directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private Path ensureWeights(Path dtypeDir, DType dtype) {
        Path weights = dtypeDir.resolve(WEIGHTS);
        if (Files.isRegularFile(weights.resolve(SafetensorsReader.SINGLE_FILE))) {
            return weights;
        }
        progress.accept(String.format("writing random %s weights (%.1fM parameters) to %s", dtype,
                shape.parameters() / 1e6, weights));
        long start = System.nanoTime();
        Path partial = dtypeDir.resolve(WEIGHTS + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dtypeDir);
            RandomCheckpoint.write(partial, shape.weightsSpec(dtype));
            deleteTree(weights); // what an older, interrupted layout may have left: no safetensors in it
            Files.move(partial, weights, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            deleteTree(partial);
            if (!Files.isRegularFile(weights.resolve(SafetensorsReader.SINGLE_FILE))) {
                IOException cause = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
                throw new UncheckedIOException("cannot write bench weights to " + weights + ": " + cause.getMessage(), cause);
            }
            // Another bench process renamed its weights into place first: they are the same weights.
        }
        progress.accept(String.format("wrote %s weights in %.1f s", dtype, (System.nanoTime() - start) / 1e9));
        return weights;
    }

    /**
     * A hard link (a copy where the file system has none). Not a symbolic link: the loader refuses links
     * that leave the model directory, and a hard link is the file itself, in the directory, without a copy.
     * An entry that is not the target's file (a symbolic link an older cache made, or a link to weights
     * since rewritten) is replaced.
     */
    private static void link(Path link, Path target) throws IOException {
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)
                && Files.isSameFile(link, target)) {
            return;
        }
        Files.deleteIfExists(link);
        try {
            Files.createLink(link, target);
        } catch (FileAlreadyExistsException e) {
            // Another bench process linked it first.
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(target, link, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
