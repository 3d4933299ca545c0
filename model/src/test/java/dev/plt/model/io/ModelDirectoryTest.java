package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ConfigException;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model directory is a jail (real files, real links, real FIFOs): no file outside it, no file that is
 * not a regular file and no file of a format the loader does not read is ever opened, and the refusal is
 * one line. A FIFO stands for "would hang if opened": opening one for reading blocks until a writer comes,
 * so a refusal within the time bound shows it was never opened.
 */
class ModelDirectoryTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    /** What a file outside the model directory holds; it must never reach a message. */
    private static final String SECRET = "{\"hidden_size\": \"TOP-SECRET-VALUE\"}";

    @TempDir
    Path tmp;

    private Path model(boolean sharded) {
        Spec spec = Spec.small().withFormat(false, false, DType.F32, 1, sharded ? 2 : 1);
        return RandomCheckpoint.write(tmp.resolve("model"), spec);
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo " + path);
    }

    /** PltModel.check fails within the bound with one line holding every fragment; returns the message. */
    private static String refused(Path model, String... fragments) {
        RuntimeException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(RuntimeException.class, () -> PltModel.check(model)));
        String m = e.getMessage();
        assertTrue(e instanceof ModelFileException || e instanceof ConfigException,
                () -> "unexpected " + e);
        assertFalse(m.contains("\n"), () -> "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "expected '" + f + "' in: " + m);
        }
        return m;
    }

    private static String lengthField(byte[] bytes) {
        return Long.toUnsignedString(ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "model.safetensors", "model.safetensors.index.json", "tokenizer.json"})
    void aFifoInPlaceOfAModelFileIsRefusedWithoutBeingOpened(String name) throws Exception {
        Path model = model(name.equals(SafetensorsReader.INDEX_FILE));
        Files.delete(model.resolve(name));
        mkfifo(model.resolve(name));
        refused(model, model.resolve(name).toString(), "is not a regular file", "refused without opening it");
    }

    @Test
    void aShardThatLinksToAFifoIsRefusedWithoutBeingOpened() throws Exception {
        Path model = model(true);
        Files.delete(model.resolve(SHARD_1));
        mkfifo(model.resolve("pipe.safetensors"));
        Files.createSymbolicLink(model.resolve(SHARD_1), Path.of("pipe.safetensors"));
        refused(model, "tensor 'model.embed_tokens.weight' is mapped to shard '" + SHARD_1 + "', which is not a"
                + " regular file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "model.safetensors", SHARD_1, "tokenizer.json"})
    void aLinkOutOfTheDirectoryIsRefusedAndWhatItPointsAtIsNeverShown(String name) throws IOException {
        Path model = model(name.equals(SHARD_1));
        // A link that stays inside the directory is followed: only escaping ones are refused.
        Path inside = Files.createDirectory(model.resolve("blobs")).resolve("copy-" + name);
        Files.move(model.resolve(name), inside);
        Files.createSymbolicLink(model.resolve(name), Path.of("blobs", inside.getFileName().toString()));
        PltModel.check(model);

        Path outside = Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.delete(model.resolve(name));
        Files.createSymbolicLink(model.resolve(name), outside);
        String m = refused(model, name, "is a symbolic link to", "outside the model directory");
        assertFalse(m.contains("TOP-SECRET"), m);
        assertFalse(m.contains(lengthField(SECRET.getBytes(StandardCharsets.UTF_8))), m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anIndexNamingAPickleIsRefusedWithoutOpeningIt(boolean fifo) throws Exception {
        Path model = model(true);
        Path pickle = model.resolve("pytorch_model.bin");
        if (fifo) {
            mkfifo(pickle); // opening it would block: the refusal comes from its name alone
        } else {
            Files.writeString(pickle, SECRET);
        }
        Path index = model.resolve(SafetensorsReader.INDEX_FILE);
        Files.writeString(index, Files.readString(index).replace("\"" + SHARD_1 + "\"", "\"pytorch_model.bin\""));
        String m = refused(model, index.toString(), "tensor 'model.embed_tokens.weight' is mapped to shard"
                + " 'pytorch_model.bin', which is a PyTorch pickle file", "never opened");
        assertFalse(m.contains("TOP-SECRET") || m.contains(lengthField(SECRET.getBytes(StandardCharsets.UTF_8))), m);

        // Named directly, or reached through a link with an innocent name, it is refused all the same.
        ModelFileException direct = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(ModelFileException.class, () -> SafetensorsReader.open(pickle)));
        assertTrue(direct.getMessage().contains("never opened"), direct.getMessage());
        Files.delete(index);
        Files.createSymbolicLink(model.resolve("model.safetensors"), Path.of("pytorch_model.bin"));
        refused(model, "model.safetensors: is a symbolic link to pytorch_model.bin, which is a PyTorch pickle file");
    }

    @Test
    void anIndexMayNameOnlySafetensorsFilesInsideTheDirectory() throws IOException {
        Path model = model(true);
        Path index = model.resolve(SafetensorsReader.INDEX_FILE);
        String original = Files.readString(index);
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.safetensors"), SECRET);
        String[][] cases = {
            {"config.json", "which is not a .safetensors file"},
            {"weights.npz", "which is not a .safetensors file"},
            {"last.ckpt", "which is a PyTorch pickle file"},
            {elsewhere.toString(), "which is not a file in the model directory"},
            {"../elsewhere.safetensors", "which is not a file in the model directory"},
            {"blobs/../" + SHARD_1, "which is not a file in the model directory"},
        };
        for (String[] c : cases) {
            Files.writeString(index, original.replace("\"" + SHARD_1 + "\"", "\"" + c[0] + "\""));
            String m = refused(model, index.toString(), "is mapped to shard '" + c[0] + "', " + c[1]);
            assertFalse(m.contains("TOP-SECRET") || m.contains("hidden_size"), m);
        }
        Files.writeString(index, original);
        try (PltModel loaded = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            assertEquals(300, loaded.config().vocabSize());
        }
    }
}
