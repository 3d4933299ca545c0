package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.testing.Mutations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the safetensors reader: random files, damaged valid files and valid files with a
 * damaged header either open (and then every tensor reads) or fail with a one-line
 * {@link ModelFileException} naming the file; nothing else escapes and nothing hangs.
 */
class SafetensorsHeaderFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private byte[] validFile() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight", TensorData.f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("model.norm.weight", TensorData.bf16(new float[] {1, -2, 0.5f}, 3));
        tensors.put("lm_head.weight", TensorData.f16(new float[] {0.25f, 8}, 1, 2));
        Path file = dir.resolve("valid.safetensors");
        SafetensorsWriter.write(file, tensors);
        return Files.readAllBytes(file);
    }

    @Test
    void randomBytesAreRejectedWithOneLine() throws IOException {
        Mutations m = new Mutations(201);
        for (int i = 0; i < 150; i++) {
            byte[] bytes = m.randomBytes(400);
            if (i % 2 == 1 && bytes.length >= 8) {
                // A plausible length field, so the random rest is parsed as a header.
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, m.random().nextInt(bytes.length - 7));
            }
            open(i, bytes);
        }
    }

    @Test
    void damagedFilesOpenOrFailWithOneLine() throws IOException {
        byte[] valid = validFile();
        Mutations m = new Mutations(202);
        int opened = 0;
        for (int i = 0; i < 200; i++) {
            opened += open(i, m.mutate(valid)) ? 1 : 0;
        }
        assertTrue(opened > 0, "some damage (in the data section) leaves a readable file");
    }

    @Test
    void damagedHeadersOpenOrFailWithOneLine() throws IOException {
        byte[] valid = validFile();
        int headerLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(valid, 8, headerLength, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(valid, 8 + headerLength, valid.length);
        Mutations m = new Mutations(203);
        int opened = 0;
        int rejected = 0;
        for (int i = 0; i < 250; i++) {
            // The length field is kept right, so the damaged JSON itself is what gets parsed.
            byte[] json = m.mutate(header).getBytes(StandardCharsets.UTF_8);
            ByteBuffer file = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            file.putLong(json.length).put(json).put(data);
            if (open(1000 + i, file.array())) {
                opened++;
            } else {
                rejected++;
            }
        }
        assertTrue(opened > 0 && rejected > 50, opened + " opened, " + rejected + " rejected");
    }

    /** True if the file opened and all its tensors read; false if it was rejected the documented way. */
    private boolean open(int index, byte[] bytes) throws IOException {
        Path file = dir.resolve("fuzz-" + index + ".safetensors");
        Files.write(file, bytes);
        return assertTimeoutPreemptively(PER_INPUT, () -> {
            try (SafetensorsReader reader = SafetensorsReader.open(file)) {
                for (String name : reader.names()) {
                    float[] values = reader.readFloats(name);
                    assertTrue(values.length == reader.require(name).elementCount());
                    if (reader.require(name).dtype() == DType.BF16) {
                        reader.readBf16Bits(name);
                    }
                }
                return true;
            } catch (ModelFileException e) {
                String message = e.getMessage();
                assertTrue(message.startsWith(file.toString()), message);
                assertFalse(message.contains("\n"), "one line: " + message);
                return false;
            }
        }, () -> "input " + index + ": " + Arrays.toString(bytes));
    }
}
