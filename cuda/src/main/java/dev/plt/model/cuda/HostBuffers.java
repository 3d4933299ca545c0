package dev.plt.model.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian direct buffers for uploads and downloads (the device's byte order, no copy through the heap). */
final class HostBuffers {
    private HostBuffers() {
    }

    static ByteBuffer allocate(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer floats(float[] values) {
        ByteBuffer b = allocate(4L * values.length);
        b.asFloatBuffer().put(values);
        return b;
    }

    static ByteBuffer ints(int[] values) {
        ByteBuffer b = allocate(4L * values.length);
        b.asIntBuffer().put(values);
        return b;
    }
}
