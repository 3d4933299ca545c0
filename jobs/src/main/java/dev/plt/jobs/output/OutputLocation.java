package dev.plt.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * A place a job writes, on any Hadoop file system: {@code --output} as given, resolved the way Spark
 * resolves a path (a path without a scheme lives on the default file system, the local one unless the
 * cluster's configuration says otherwise; a relative one is relative to its working directory).
 * Every file operation of the output layer goes through here, never through {@code java.nio}, so the
 * same rules hold for {@code file://}, {@code hdfs://} and object stores.
 */
public final class OutputLocation {
    private final FileSystem fs;
    private final Path path;
    private final String given;

    private OutputLocation(FileSystem fs, Path path, String given) {
        this.fs = fs;
        this.path = path;
        this.given = given;
    }

    /** Opens the file system of {@code given}; an unknown scheme or a bad URI is one line naming the option. */
    public static OutputLocation of(String option, String given, Configuration conf) {
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException(option + " must not be empty");
        }
        Path path;
        try {
            path = new Path(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + given + ": not a valid path or URI (" + e.getMessage() + ")");
        }
        FileSystem fs = fileSystemOf(option, given, path, conf);
        return new OutputLocation(fs, fs.makeQualified(path), given);
    }

    /**
     * The file system of a path an option names; an unknown scheme, or one whose connector jar is missing
     * (Hadoop knows s3a, abfss and gs but throws ClassNotFoundException inside), is one line naming the option.
     */
    public static FileSystem fileSystemOf(String option, String given, Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (UnsupportedFileSystemException e) {
            throw noFileSystem(option, given, path);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ClassNotFoundException) {
                    throw noFileSystem(option, given, path);
                }
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + given + ": cannot open its file system: "
                    + OutputErrors.describe(e), e);
        }
    }

    private static IllegalArgumentException noFileSystem(String option, String given, Path path) {
        return new IllegalArgumentException(option + " " + given + ": no file system for the scheme '"
                + path.toUri().getScheme() + "' on the classpath (add its connector, e.g. hadoop-aws for s3a)");
    }

    /** A local java.nio path as a location (tests, and callers that hold one). */
    public static OutputLocation local(java.nio.file.Path path) {
        return of("--output", path.toAbsolutePath().toUri().toString(), new Configuration());
    }

    public FileSystem fs() {
        return fs;
    }

    /** The fully qualified path (scheme and authority included). */
    public Path path() {
        return path;
    }

    /** The path as the user gave it, for messages. */
    public String given() {
        return given;
    }

    public boolean isLocal() {
        return fs instanceof LocalFileSystem || "file".equals(fs.getScheme());
    }

    /** The local path; only for {@link #isLocal()} locations. */
    public java.nio.file.Path localPath() {
        return java.nio.file.Path.of(path.toUri());
    }

    /**
     * A sibling of this location: {@code .NAME<suffix>} in the same parent directory (staging, lock); messages
     * about it name the output as the user gave it.
     */
    public OutputLocation sibling(String suffix) {
        Path parent = path.getParent();
        if (parent == null) {
            throw new IllegalArgumentException(given + " is the root of its file system");
        }
        return new OutputLocation(fs, new Path(parent, "." + path.getName() + suffix), given);
    }

    /** A child of this location. */
    public OutputLocation child(String name) {
        return new OutputLocation(fs, new Path(path, name), given + "/" + name);
    }

    public boolean exists() {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw failed("cannot check", e);
        }
    }

    /** The entries directly inside this directory (none if it does not exist). */
    public List<FileStatus> list() {
        try {
            if (!fs.exists(path)) {
                return List.of();
            }
            return new ArrayList<>(List.of(fs.listStatus(path)));
        } catch (IOException e) {
            throw failed("cannot list", e);
        }
    }

    public FileStatus status() {
        try {
            return fs.getFileStatus(path);
        } catch (IOException e) {
            throw failed("cannot read the status of", e);
        }
    }

    public void mkdirs() {
        try {
            if (!fs.mkdirs(path)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw failed("cannot create", e);
        }
    }

    /** Renames this location to {@code target} (which must not exist): atomic on local and HDFS file systems. */
    public void renameTo(OutputLocation target) {
        try {
            if (!fs.rename(path, target.path)) {
                throw new IOException("the file system refused to rename it to " + target.path);
            }
        } catch (IOException e) {
            throw failed("cannot rename", e);
        }
    }

    /** Deletes one file or one empty directory (never recursively: see {@link OutputGuard#deleteOwnOutput}). */
    public void deleteEntry(Path entry, boolean recursive) {
        try {
            fs.delete(entry, recursive);
        } catch (IOException e) {
            throw failed("cannot delete " + entry + " in", e);
        }
    }

    /** The whole content of this file. */
    public byte[] readBytes() throws IOException {
        try (var in = fs.open(path)) {
            return in.readAllBytes();
        }
    }

    /**
     * Replaces this file's content so that a reader (or a job killed meanwhile) sees the old content or the
     * new, never a part: a temporary sibling renamed over it (one atomic rename on a local disk; on other
     * file systems, whose rename does not replace, the old file is deleted first).
     */
    public void writeAtomically(byte[] content) {
        Path temp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try {
            if (isLocal()) {
                java.nio.file.Path local = java.nio.file.Path.of(temp.toUri());
                java.nio.file.Files.write(local, content);
                java.nio.file.Files.move(local, localPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            try (var out = fs.create(temp, true)) {
                out.write(content);
            }
            fs.delete(path, false);
            if (!fs.rename(temp, path)) {
                throw new IOException("the file system refused to rename " + temp + " to " + path);
            }
        } catch (IOException e) {
            throw failed("cannot write", e);
        }
    }

    UncheckedIOException failed(String what, IOException e) {
        return new UncheckedIOException("--output " + given + ": " + what + " " + path + ": "
                + OutputErrors.describe(e), e);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
