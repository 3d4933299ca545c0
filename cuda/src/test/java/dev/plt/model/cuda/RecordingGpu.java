package dev.plt.model.cuda;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link Gpu} that computes nothing and writes every operation to a log, which the replay program
 * (src/main/cuda/host-emulation/replay.cpp) later runs against the real kernel sources on CPU threads.
 * Memory is a bump-allocated arena at a fixed address far from anything a process maps, so the
 * addresses the Java side puts in its tables are valid, unchanged, in the replay.
 *
 * <p>A download cannot return real data (nothing was computed): it fills the buffer with 4-byte words
 * numbering the downloaded words so far, as floats. A test that receives logits reads that number from
 * the first word of a row and finds the row's real values at that word of the replay's output.
 */
final class RecordingGpu implements Gpu {
    static final long ARENA_BASE = 0x2000_0000_0000L;
    private static final int UPLOAD = 1;
    private static final int COPY = 2;
    private static final int ZERO = 3;
    private static final int LAUNCH = 4;
    private static final int GEMM = 5;
    private static final int DOWNLOAD = 6;
    private static final int END = 7;

    private final Path log;
    private final OutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long top = ARENA_BASE;
    private long downloadedWords;
    private boolean closed;

    RecordingGpu(Path log) {
        this.log = log;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(log), 1 << 20);
            scratch.put("PLTOPS01".getBytes(StandardCharsets.US_ASCII)).putLong(ARENA_BASE).putLong(0);
            flushScratch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    /** Words downloaded so far: the next download's first word gets this number. */
    long downloadedWords() {
        return downloadedWords;
    }

    @Override
    public long allocate(long bytes) {
        long address = top;
        top += (Math.max(1, bytes) + 255) & ~255L; // cuMemAlloc aligns to at least 256 bytes
        return address;
    }

    @Override
    public void free(long address) {
        // The arena is never reused: a test's model is small.
    }

    @Override
    public void upload(long dst, ByteBuffer src) {
        ByteBuffer data = src.duplicate();
        scratch.putInt(UPLOAD).putLong(dst).putLong(data.remaining());
        flushScratch();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        write(bytes);
    }

    @Override
    public void download(long src, ByteBuffer dst) {
        scratch.putInt(DOWNLOAD).putLong(src).putLong(dst.remaining());
        flushScratch();
        ByteBuffer words = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (words.remaining() >= 4) {
            words.putFloat(downloadedWords++);
        }
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        scratch.putInt(COPY).putLong(dst).putLong(src).putLong(bytes);
        flushScratch();
    }

    @Override
    public void zero(long dst, long bytes) {
        scratch.putInt(ZERO).putLong(dst).putLong(bytes);
        flushScratch();
    }

    @Override
    public void launch(KernelLaunch launch) {
        if (launch.isEmpty()) {
            return;
        }
        byte[] name = launch.kernel().getBytes(StandardCharsets.US_ASCII);
        scratch.putInt(LAUNCH).putInt(name.length).put(name).putInt(launch.gridX()).putInt(launch.gridY())
                .putInt(launch.threads()).putInt(launch.sharedBytes()).putInt(launch.args().count());
        for (int i = 0; i < launch.args().count(); i++) {
            scratch.putInt(launch.args().type(i).ordinal()).putLong(launch.args().raw(i));
        }
        flushScratch();
    }

    @Override
    public void gemm(CublasGemm g) {
        scratch.putInt(GEMM).putInt(g.transA()).putInt(g.transB()).putInt(g.m()).putInt(g.n()).putInt(g.k())
                .putFloat(g.alpha()).putLong(g.a()).putInt(g.aType()).putInt(g.lda()).putLong(g.b())
                .putInt(g.bType()).putInt(g.ldb()).putFloat(g.beta()).putLong(g.c()).putInt(g.cType())
                .putInt(g.ldc());
        flushScratch();
    }

    @Override
    public void bindToCurrentThread() {
    }

    @Override
    public String description() {
        return "recording device (host replay)";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scratch.putInt(END);
        flushScratch();
        try {
            out.close();
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
                file.seek(16);
                file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(top - ARENA_BASE).array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushScratch() {
        scratch.flip();
        byte[] bytes = new byte[scratch.remaining()];
        scratch.get(bytes);
        scratch.clear();
        write(bytes);
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
