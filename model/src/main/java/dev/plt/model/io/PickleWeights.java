package dev.plt.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PyTorch pickle checkpoints ({@code pytorch_model.bin}, {@code *.pt}, {@code *.pth}, {@code *.ckpt}).
 * Unpickling runs code chosen by whoever wrote the file, so they are never opened here, not even to
 * read a header; a directory that holds only those gets a message saying how to convert it once, on a
 * trusted machine, to safetensors (plain data).
 */
final class PickleWeights {
    private static final List<String> SUFFIXES = List.of(".pt", ".pth", ".ckpt");

    private PickleWeights() {
    }

    /** The first pickle-format weight file in {@code dir} (by name), if any. */
    static Optional<Path> find(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> isPickle(f.getFileName().toString()))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    static boolean isPickle(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        // .bin is too common a suffix to mean weights on its own; transformers names them pytorch_model*.bin.
        return SUFFIXES.stream().anyMatch(name::endsWith) || name.startsWith("pytorch_model") && name.endsWith(".bin");
    }

    static ModelFileException refusal(Path dir, Path pickle) {
        return ModelFileException.of(dir, "holds PyTorch pickle weights (" + pickle.getFileName() + ") and no "
                + SafetensorsReader.SINGLE_FILE + "; pickle files can run arbitrary code when loaded, so they are "
                + "never opened here. Convert them once on a trusted machine, e.g. in Python: "
                + "AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True), "
                + "or safetensors.torch.save_file(torch.load(path, weights_only=True), 'model.safetensors')");
    }
}
