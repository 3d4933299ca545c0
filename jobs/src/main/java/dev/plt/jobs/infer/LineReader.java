package dev.plt.jobs.infer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a stream as bytes, split at {@code \n} only (a {@code \r} before it is dropped), with a
 * bound on memory: a line longer than {@code maxBytes} is read to its end but only its first
 * {@code maxBytes} bytes are kept, and it comes back marked too long, so one huge line costs at most
 * {@code maxBytes} of heap and fails alone. NUL and other control bytes are ordinary bytes here.
 */
final class LineReader {
    /**
     * One line: its 1-based number, its bytes (the first {@code maxBytes} only when {@code tooLong}) and its
     * length in bytes without the terminator.
     */
    record Line(long number, byte[] bytes, long length, boolean tooLong) {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int end;
    private byte[] kept = new byte[1 << 12];
    private long number;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the stream (a final {@code \n} starts no new line). */
    Line next() throws IOException {
        int keptLength = 0;
        long length = 0;
        byte last = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                int n = in.read(chunk);
                if (n <= 0) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
                pos = 0;
                end = n;
            }
            any = true;
            int stop = pos;
            while (stop < end && chunk[stop] != '\n') {
                stop++;
            }
            int n = stop - pos;
            int keep = (int) Math.min(n, maxBytes + 1L - keptLength); // one more than the limit: a final \r
            if (keep > 0) {
                if (keptLength + keep > kept.length) {
                    kept = Arrays.copyOf(kept, (int) Math.min(Math.max(2L * kept.length, keptLength + keep),
                            maxBytes + 1L));
                }
                System.arraycopy(chunk, pos, kept, keptLength, keep);
                keptLength += keep;
            }
            if (n > 0) {
                last = chunk[stop - 1];
                length += n;
            }
            pos = stop;
            if (stop < end) {
                pos++; // the \n
                break;
            }
        }
        number++;
        if (last == '\r') {
            length--;
            keptLength = (int) Math.min(keptLength, length);
        }
        Line line = new Line(number, Arrays.copyOf(kept, Math.min(keptLength, maxBytes)), length, length > maxBytes);
        if (kept.length > 1 << 20) {
            kept = new byte[1 << 12]; // one long line does not keep its buffer for the rest of the file
        }
        return line;
    }
}
