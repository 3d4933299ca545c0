package dev.plt.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A SHA-256 fingerprint of what the engine reads from a model directory: config.json, tokenizer.json,
 * the safetensors index and every {@code *.safetensors} file. Small files are hashed whole; a big
 * weights file by its size, its first MiB (the safetensors header and the first tensors), 16 evenly
 * spaced 64 KiB samples and its last 64 KiB, so that fingerprinting a multi-GB checkpoint costs
 * milliseconds, not a full read, while a retrained or re-exported checkpoint (whose bytes differ
 * nearly everywhere) still gets a new fingerprint. The directory's path and other files (a model
 * card) do not count: a moved model keeps its fingerprint.
 */
public final class ModelFingerprint {
    static final long WHOLE_FILE_LIMIT = 8L << 20;
    private static final int HEAD = 1 << 20;
    private static final int SAMPLE = 64 << 10;
    private static final int SAMPLES = 16;

    private ModelFingerprint() {
    }

    public static String of(Path modelDir) {
        MessageDigest digest = sha256();
        for (Path file : files(modelDir)) {
            try (FileChannel channel = FileChannel.open(file)) {
                long size = channel.size();
                digest.update((file.getFileName() + "\n" + size + "\n").getBytes(StandardCharsets.UTF_8));
                if (size <= WHOLE_FILE_LIMIT) {
                    update(digest, channel, 0, (int) size);
                } else {
                    update(digest, channel, 0, HEAD);
                    for (int i = 0; i < SAMPLES; i++) {
                        update(digest, channel, HEAD + (size - HEAD - SAMPLE) / SAMPLES * i, SAMPLE);
                    }
                    update(digest, channel, size - SAMPLE, SAMPLE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " to fingerprint the model", e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The files the engine reads, sorted by name so the fingerprint does not depend on listing order. */
    static List<Path> files(Path modelDir) {
        try (Stream<Path> listing = Files.list(modelDir)) {
            List<Path> files = new ArrayList<>(listing.filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString();
                return name.equals("config.json") || name.equals("tokenizer.json") || name.endsWith(".safetensors")
                        || name.endsWith(".safetensors.index.json");
            }).toList());
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + modelDir, e);
        }
    }

    private static void update(MessageDigest digest, FileChannel channel, long position, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file ended early");
            }
        }
        digest.update(buffer.flip());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
