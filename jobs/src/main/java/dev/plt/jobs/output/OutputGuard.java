package dev.plt.jobs.output;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output rule, checked before any work: a job writes only where nothing is lost, and
 * {@code --overwrite} removes only what an earlier plt run wrote. An output that exists is replaced only
 * if it is a directory holding a plt run record ({@link RunManifest#FILE}) and nothing but the files
 * plt jobs write ({@link OwnFiles}); anything else (a regular file, a foreign directory, the home
 * directory, the root, a symbolic link) is refused with one line. The output may be neither the input
 * nor the model, nor lie inside or above them, whatever symbolic links the path goes through. A
 * replacement is written beside the old output and swapped in when the job has finished
 * ({@link StagedOutput}), so a failed run leaves the old output as it was.
 */
public final class OutputGuard {
    private static final Logger LOG = LoggerFactory.getLogger(OutputGuard.class);

    /** What the job will do with its output location. */
    public enum Plan {
        /** Nothing there: write it. */
        NEW,
        /** An earlier run's output, completed in place ({@code --resume}). */
        RESUME,
        /** An earlier run's output, replaced by a new one written beside it ({@code --overwrite}). */
        REPLACE
    }

    /** A local path the output must stay clear of: the input, the model, the task data. */
    public record Protected(String what, java.nio.file.Path path) {
    }

    private OutputGuard() {
    }

    /**
     * Decides the plan or refuses in one line naming the path and why.
     *
     * @param resumeHint how to complete an existing output, for the message ("--resume to complete it, ")
     */
    public static Plan check(OutputLocation out, List<Protected> protect, boolean overwrite, boolean resume,
            String resumeHint) {
        if (overwrite && resume) {
            throw new IllegalArgumentException("give --resume or --overwrite, not both");
        }
        if (out.path().isRoot()) {
            throw refused(out, "it is the root of its file system");
        }
        if (out.isLocal()) {
            checkLocalPlace(out, protect);
        }
        if (!out.exists()) {
            return Plan.NEW;
        }
        if (!out.status().isDirectory()) {
            throw refused(out, "it is an existing file, and plt writes a directory there; it replaces only "
                    + "directories it wrote itself");
        }
        if (resume) {
            return Plan.RESUME; // the caller checks the run record
        }
        if (!overwrite) {
            throw new IllegalArgumentException("--output " + out.given() + " already exists (use " + resumeHint
                    + "--overwrite to replace it)");
        }
        if (!out.list().isEmpty()) { // an empty directory holds nothing to lose
            checkOwn(out);
        }
        return Plan.REPLACE;
    }

    /** Refuses unless {@code dir} holds a plt run record and nothing but files plt jobs write. */
    public static void checkOwn(OutputLocation dir) {
        if (!dir.child(RunManifest.FILE).exists()) {
            throw refused(dir, "it has no " + RunManifest.FILE + ", so plt did not write it; --overwrite replaces "
                    + "only outputs of plt jobs");
        }
        if (RunManifest.readRaw(dir).isEmpty()) {
            throw refused(dir, "its " + RunManifest.FILE + " is not a plt run record");
        }
        foreignEntry(dir).ifPresent(name -> {
            throw refused(dir, "it holds '" + name + "', which plt did not write");
        });
    }

    /**
     * Deletes an earlier plt output, entry by entry, only what {@link OwnFiles} names; the directory goes
     * too when nothing else is left. Returns false (and logs) if something foreign appeared meanwhile.
     */
    public static boolean deleteOwnOutput(OutputLocation dir) {
        if (!dir.exists()) {
            return true;
        }
        boolean clean = true;
        for (FileStatus entry : dir.list()) {
            String name = entry.getPath().getName();
            if (!OwnFiles.isOwn(name, entry.isDirectory())) {
                clean = false;
                continue;
            }
            if (entry.isDirectory() && OwnFiles.isPartDirectory(name)
                    && foreignPart(dir.child(name), name, OwnFiles.mayHoldTaskDirectories(name)).isPresent()) {
                clean = false;
                continue;
            }
            dir.deleteEntry(entry.getPath(), entry.isDirectory());
        }
        if (clean) {
            dir.deleteEntry(dir.path(), false);
        } else {
            LOG.warn("{}: left in place, since it holds files plt did not write", dir.path());
        }
        return clean;
    }

    /** The first entry of an output directory (or of its part subdirectories) that plt did not write. */
    private static Optional<String> foreignEntry(OutputLocation dir) {
        for (FileStatus entry : dir.list()) {
            String name = entry.getPath().getName();
            if (isSymbolicLink(dir, name) || !OwnFiles.isOwn(name, entry.isDirectory())) {
                return Optional.of(name);
            }
            if (entry.isDirectory() && OwnFiles.isPartDirectory(name)) {
                Optional<String> foreign = foreignPart(dir.child(name), name, OwnFiles.mayHoldTaskDirectories(name));
                if (foreign.isPresent()) {
                    return foreign;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The first entry of a part directory that Spark did not write: part files, and (one level down, for
     * evaluate's several tasks) directories of part files.
     */
    private static Optional<String> foreignPart(OutputLocation dir, String path, boolean subdirectoriesAllowed) {
        for (FileStatus part : dir.list()) {
            String partName = part.getPath().getName();
            if (isSymbolicLink(dir, partName)) {
                return Optional.of(path + "/" + partName);
            }
            if (part.isDirectory()) {
                if (OwnFiles.isSparkWorkArea(partName)) {
                    continue; // Spark's, left by a killed write
                }
                if (!subdirectoriesAllowed || !OwnFiles.isTaskDirectory(partName)) {
                    return Optional.of(path + "/" + partName);
                }
                Optional<String> inner = foreignPart(dir.child(partName), path + "/" + partName, false);
                if (inner.isPresent()) {
                    return inner;
                }
            } else if (!OwnFiles.isPartFile(partName)) {
                return Optional.of(path + "/" + partName);
            }
        }
        return Optional.empty();
    }

    /** Jobs never write links: a link in an output was put there by someone else. */
    private static boolean isSymbolicLink(OutputLocation dir, String name) {
        return dir.isLocal() && Files.isSymbolicLink(dir.localPath().resolve(name));
    }

    /**
     * A local output may not be a symbolic link, the home directory, or the input or the model (nor inside
     * or above them); the comparison uses real paths, so no link can hide the relation.
     */
    private static void checkLocalPlace(OutputLocation out, List<Protected> protect) {
        java.nio.file.Path given = out.localPath();
        if (Files.isSymbolicLink(given)) {
            throw refused(out, "it is a symbolic link; give the directory itself");
        }
        java.nio.file.Path real = realPath(given);
        if (real.getParent() == null) {
            throw refused(out, "it is the root directory");
        }
        java.nio.file.Path home = realPath(java.nio.file.Path.of(System.getProperty("user.home")));
        if (real.equals(home)) {
            throw refused(out, "it is the home directory");
        }
        for (Protected p : protect) {
            if (p.path() == null) {
                continue;
            }
            java.nio.file.Path other = realPath(p.path());
            if (real.equals(other)) {
                throw refused(out, "it is " + p.what());
            }
            if (real.startsWith(other)) {
                throw refused(out, "it is inside " + p.what() + " (" + p.path() + ")");
            }
            if (other.startsWith(real)) {
                throw refused(out, "it contains " + p.what() + " (" + p.path() + ")");
            }
        }
    }

    /**
     * The real path of {@code path} whether or not it exists: the longest existing ancestor resolved with
     * its links, the rest appended.
     */
    static java.nio.file.Path realPath(java.nio.file.Path path) {
        java.nio.file.Path absolute = path.toAbsolutePath().normalize();
        List<java.nio.file.Path> rest = new ArrayList<>();
        java.nio.file.Path existing = absolute;
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            java.nio.file.Path real = existing.toRealPath();
            for (java.nio.file.Path name : rest) {
                real = real.resolve(name);
            }
            return real;
        } catch (IOException e) {
            // A link that points nowhere: where it would lead cannot be checked, so the path is refused.
            throw new IllegalArgumentException(path + ": cannot resolve its real path (" + OutputErrors.describe(e)
                    + "); is a symbolic link on it dangling?");
        }
    }

    private static IllegalArgumentException refused(OutputLocation out, String why) {
        return new IllegalArgumentException("--output " + out.given() + ": refused, " + why);
    }
}
