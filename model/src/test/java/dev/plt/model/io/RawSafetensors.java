package dev.plt.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors bytes by hand, independent of {@link SafetensorsWriter}, for format and error tests. */
final class RawSafetensors {
    private RawSafetensors() {
    }

    /** A file whose header length field is exactly the JSON's length (no padding). */
    static Path write(Path file, String headerJson, byte[] data) throws IOException {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        return write(file, json.length, json, data);
    }

    /** A file with an arbitrary (possibly lying) header length field. */
    static Path write(Path file, long declaredHeaderLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredHeaderLength).put(header).put(data);
        Files.write(file, buf.array());
        return file;
    }

    static byte[] littleEndianFloats(float... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return buf.array();
    }

    static byte[] littleEndianShorts(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putShort((short) v);
        }
        return buf.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            buf.put(p);
        }
        return buf.array();
    }
}
