package dev.plt.jobs.infer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The output file of {@code plt infer}, written so that nothing the job did not write is lost.
 * {@link #check} refuses, before anything is touched, an output that is the input (by file identity, so
 * symbolic and hard links count), a directory, a path inside the model directory, an existing file without
 * {@code --overwrite}, and, with it, an existing file that is not a previous infer output: one that is not
 * empty and whose first line is not a JSON object with the keys {@code id} and {@code token_logprobs} (a
 * result) or {@code error_kind} (an error); an infer input has {@code id} and {@code input_ids} too, so
 * those two keys alone would let another input file be replaced. Rows go to a hidden file next to the
 * output ({@code .NAME.plt-tmp-RANDOM}); {@link #commit} flushes it to disk and renames it to the final
 * name in one atomic step. Until then an existing output is untouched, and {@link #close} without a commit
 * (a failure, or the JVM shutting down on SIGTERM) deletes the hidden file. A SIGKILL can only leave that
 * hidden file, never a partial output. A symbolic link as output stays a link: its target is replaced.
 */
public final class OutputFile implements Closeable {
    private static final JsonFactory JSON = new JsonFactory();

    private final Path shown;
    private final Path target;
    private final boolean overwrite;
    private Path temp;
    private FileChannel channel;
    private Writer writer;
    private Thread cleanupOnShutdown;
    private boolean committed;

    private OutputFile(Path shown, Path target, boolean overwrite) {
        this.shown = shown;
        this.target = target;
        this.overwrite = overwrite;
    }

    /** Checks {@code output} without touching anything; a refusal is an IllegalArgumentException naming --output. */
    public static OutputFile check(Path output, Path input, Path modelDirectory, boolean overwrite) throws IOException {
        boolean exists = Files.exists(output);
        if (!exists && Files.isSymbolicLink(output)) {
            throw refuse(output, "is a symbolic link to a missing file");
        }
        if (exists && Files.isDirectory(output)) {
            throw refuse(output, "is a directory; give a file name");
        }
        if (exists && Files.isSameFile(output, input)) {
            throw refuse(output, "is the input file (--input " + input + "); give another file name");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw refuse(output, "cannot be written: directory " + parent + " does not exist");
        }
        Path target = exists ? output.toRealPath() : parent.toRealPath().resolve(output.getFileName());
        if (!Files.isWritable(target.getParent())) {
            throw refuse(output, "cannot be written: directory " + target.getParent() + " is not writable");
        }
        if (Files.isDirectory(modelDirectory) && target.startsWith(modelDirectory.toRealPath())) {
            throw refuse(output, "is inside the model directory " + modelDirectory);
        }
        if (exists && !overwrite) {
            throw refuse(output, "already exists (use --overwrite to replace it)");
        }
        if (exists && !Files.isRegularFile(target)) {
            throw refuse(output, "is not a regular file; not replacing it");
        }
        if (exists && !isInferOutput(target)) {
            throw refuse(output, "is not a plt infer output (not empty, and its first line is not a JSON object "
                    + "with \"id\" and \"token_logprobs\" or \"error_kind\"); not replacing it, even with --overwrite");
        }
        return new OutputFile(output, target, overwrite);
    }

    /** Empty, or its first line is a JSON object holding the keys "id" and "token_logprobs" or "error_kind". */
    static boolean isInferOutput(Path file) throws IOException {
        if (Files.size(file) == 0) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file); JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean id = false;
            boolean body = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME && parser.currentLocation().getLineNr() == 1) {
                id |= parser.currentName().equals("id");
                body |= parser.currentName().equals("token_logprobs") || parser.currentName().equals("error_kind");
                if (id && body) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (IOException e) { // not JSON, or not readable as such
            return false;
        }
    }

    /** Creates the hidden file next to the output and returns a strict UTF-8 writer to it. */
    public Writer open() throws IOException {
        String name = "." + target.getFileName() + ".plt-tmp-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        temp = target.resolveSibling(name);
        channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path created = temp;
        cleanupOnShutdown = new Thread(() -> deleteQuietly(created), "plt-infer-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnShutdown);
        writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                StandardCharsets.UTF_8.newEncoder()), 1 << 16);
        return writer;
    }

    /** Flushes the rows to disk and renames the hidden file to the output, replacing an old one atomically. */
    public void commit() throws IOException {
        writer.flush();
        channel.force(true);
        writer.close();
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw refuse(shown, "appeared while the job ran; not replacing it (use --overwrite)");
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true); // the rename itself reaches the disk
        } catch (IOException e) {
            // not every file system lets a directory be synced; the rename is done either way
        }
    }

    /** Without a commit: closes and deletes the hidden file; the output path is as it was. */
    @Override
    public void close() {
        if (writer != null && !committed) {
            try {
                writer.close();
            } catch (IOException e) {
                // the file is deleted next; a failed flush of it does not matter
            }
            deleteQuietly(temp);
        }
        if (cleanupOnShutdown != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; deleting a file that is gone is harmless
            }
            cleanupOnShutdown = null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: a hidden leftover is all that can remain
        }
    }

    private static IllegalArgumentException refuse(Path output, String why) {
        return new IllegalArgumentException("--output " + output + " " + why);
    }
}
