package dev.plt.model.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The model directory as a jail: the one place that turns a file name into a path the loader may open.
 * A model directory is untrusted input (a shard index, a symlink or a file's type can point anywhere),
 * so before any file is opened its name, its real path (symlinks followed) and its type are checked:
 * <ul>
 *   <li>the name is a plain file name (no separator, no {@code ..}, not absolute) and ends with the
 *       format the caller reads ({@code .safetensors} or {@code .json}); PyTorch pickle names are refused
 *       whatever names them, since unpickling runs code;</li>
 *   <li>its real path lies inside the directory's real path (a symlink to elsewhere in the directory is
 *       fine; one leading out is refused, so nothing outside is read or echoed in a message), and the
 *       real file's name passes the same format check;</li>
 *   <li>it is a regular file: opening a FIFO would block forever, a device could be endless.</li>
 * </ul>
 * Callers open the returned real path with {@link LinkOption#NOFOLLOW_LINKS}, so a link swapped in after
 * the check is not followed. Messages name the path as the user gave it.
 */
public final class ModelDirectory {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String SAFETENSORS = ".safetensors";
    public static final String JSON = ".json";

    private final Path dir;
    private final Path realDir;

    private ModelDirectory(Path dir, Path realDir) {
        this.dir = dir;
        this.realDir = realDir;
    }

    /** @throws ModelFileException if {@code dir} is not an existing directory */
    public static ModelDirectory of(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw ModelFileException.of(dir, "model directory does not exist");
        }
        if (!Files.isDirectory(real)) {
            throw ModelFileException.of(dir, "is not a directory");
        }
        return new ModelDirectory(dir, real);
    }

    /** The directory of a file given on its own (e.g. a tokenizer.json path): that file's jail. */
    public static ModelDirectory around(Path file) {
        return of(file.getParent() == null ? Path.of("") : file.getParent());
    }

    /** The directory as given. */
    public Path path() {
        return dir;
    }

    /** {@code name} under the directory as given, for messages; nothing is checked. */
    public Path shown(String name) {
        return dir.resolve(name);
    }

    /**
     * Whether the directory has an entry {@code name}, without following it: a dangling or escaping
     * symlink counts, so that {@link #require} refuses it with a reason instead of it being skipped.
     */
    public boolean has(String name) {
        return isPlainName(name) && Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The real path of file {@code name}, checked (see the class comment) to be safe to open as
     * {@code format}.
     *
     * @throws ModelFileException "{dir/name}: {why}" if it is not
     */
    public Path require(String name, String format) {
        return require(name, format, why -> ModelFileException.of(shown(name), why));
    }

    /**
     * {@link #require(String, String)} with the caller's message: {@code refusal} gets the reason,
     * a phrase such as "does not exist" or "is not a regular file ...".
     */
    public Path require(String name, String format, Function<String, ModelFileException> refusal) {
        if (!isPlainName(name)) {
            throw refusal.apply("is not a file in the model directory (a plain file name is expected, not a path)");
        }
        String wrongName = wrongFormat(name, format);
        if (wrongName != null) {
            throw refusal.apply(wrongName);
        }
        Path real;
        try {
            real = dir.resolve(name).toRealPath();
        } catch (NoSuchFileException e) {
            throw refusal.apply("does not exist");
        } catch (FileSystemException e) {
            throw refusal.apply("cannot be resolved" + (e.getReason() == null ? "" : ": " + e.getReason()));
        } catch (IOException e) {
            throw refusal.apply("cannot be resolved: " + e.getClass().getSimpleName());
        }
        if (!real.startsWith(realDir)) {
            throw refusal.apply("is a symbolic link to " + real + ", outside the model directory " + realDir
                    + "; refused without opening it (copy the file into the directory instead)");
        }
        String wrongTarget = wrongFormat(real.getFileName().toString(), format);
        if (wrongTarget != null) {
            throw refusal.apply("is a symbolic link to " + real.getFileName() + ", which " + wrongTarget);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw refusal.apply("is not a regular file (a directory, FIFO, socket or device); refused without"
                    + " opening it");
        }
        return real;
    }

    private static boolean isPlainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    /** Why a file so named is not read as {@code format}, or null when it may be. */
    private static String wrongFormat(String name, String format) {
        if (PickleWeights.isPickle(name)) {
            return "is a PyTorch pickle file: pickle files can run arbitrary code when loaded, so they are never"
                    + " opened here";
        }
        if (!name.endsWith(format)) {
            return "is not a " + format + " file, so it is not read";
        }
        return null;
    }
}
