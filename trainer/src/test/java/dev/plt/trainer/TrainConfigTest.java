package dev.plt.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.trainer.model.AttentionKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
    @Test
    void readsTheShippedShakespeareConf() {
        TrainConfig conf = TrainConfig.read(Path.of("conf/shakespeare-plt2.yaml"));
        assertEquals(2, conf.model().loops());
        assertEquals(AttentionKind.SHARED_GATED_WINDOW, conf.model().attentionOf(1));
        assertEquals(64, conf.model().window());
        assertEquals(32, conf.model().headDim(), "head_dim defaults to hidden_size / num_heads");
        assertEquals(256, conf.training().seqLen());
        assertEquals("models/shakespeare-plt2", conf.output());
        assertTrue(conf.data().text().endsWith("tinyshakespeare/input.txt"));
    }

    @Test
    void absentKeysTakeTheSpecDefaults(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), """
                model: {hidden_size: 32, intermediate_size: 64, num_layers: 1, num_heads: 4, loops: 3}
                data: {text: some.txt}
                training: {steps: 10, batch: 2, seq_len: 8, lr: 0.001}
                output: out
                """);
        TrainConfig conf = TrainConfig.read(file);
        assertEquals("parallel", conf.model().loopMode());
        assertTrue(conf.model().kvShare() && conf.model().gswa() && !conf.model().gateUsesHiddenStates());
        assertEquals(1.0, conf.model().embScale());
        assertEquals(257, conf.model().vocabSize());
        assertEquals(0.05, conf.data().valFraction());
        assertEquals(1.0, conf.training().gradClip());
        assertEquals(1e-4, conf.training().minLr(), 1e-12);
    }

    @Test
    void aMistypedKeyIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), """
                model: {hidden_size: 32, intermediate_size: 64, num_layers: 1, num_heads: 4, kv_shared: false}
                data: {text: some.txt}
                training: {steps: 10, batch: 2, seq_len: 8, lr: 0.001}
                output: out
                """);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TrainConfig.read(file));
        assertTrue(e.getMessage().contains("kv_shared"), e.getMessage());
    }
}
