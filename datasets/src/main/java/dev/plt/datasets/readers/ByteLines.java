package dev.plt.datasets.readers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * The lines of a stream as bytes, split at {@code \n} (a {@code \r} before it is dropped). Reading
 * bytes rather than characters lets a caller decode each line itself, strictly, so one line that is
 * not UTF-8 fails alone, with its number, instead of stopping a {@code Reader} for the whole file.
 */
public final class ByteLines implements Closeable {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long number;

    public ByteLines(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next line without its terminator, or null at the end of the stream. */
    public byte[] next() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        number++;
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            return java.util.Arrays.copyOf(bytes, end - 1);
        }
        return bytes;
    }

    /** The 1-based number of the line {@link #next()} returned last. */
    public long number() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
