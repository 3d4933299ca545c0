package dev.plt.model.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.ClpPlan.Input;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CLP input rule on random vectors, against plt-spec section 3 written out element by element. */
class LoopInputsTest {
    private static final int D = 38; // not a multiple of any vector width
    private static final ModelConfig CONFIG = new ModelConfig("llama", D, 64, 2, 1, 1, D, 300, 1e-5f, 10000.0, 4096,
            false, false, "float32", 2, LoopMode.PARALLEL, true, true, GateInput.QUERY, 3, 0.707f, 0.053f, false);

    @Test
    void eachInputKindIsTheSpecsFormula() {
        Random random = new Random(5);
        float[] embedding = new float[3 + D];
        float[] source = new float[5 + D];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = random.nextFloat() * 4 - 2;
        }
        for (int i = 0; i < source.length; i++) {
            source[i] = random.nextFloat() * 40 - 20;
        }
        for (Input input : Input.values()) {
            float[] out = new float[2 + D];
            LoopInputs.write(CONFIG, input, embedding, 3, source, 5, out, 2);
            float[] expected = new float[2 + D];
            for (int i = 0; i < D; i++) {
                float e = embedding[3 + i];
                float h = source[5 + i];
                expected[2 + i] = switch (input) {
                    case EMBEDDING -> e;                          // B^1 = E(x)
                    case CARRY, PREVIOUS_ROW -> 0.707f * e + 0.053f * h; // B^l = a E(x) + b h^{l-1}_{t-1}
                    case SERIAL_ROW -> h;                         // vanilla loop: h^{l-1}_t
                };
            }
            assertArrayEquals(expected, out, input.name());
        }
    }

    @Test
    void kernelScalesDescribeTheSameRule() {
        assertEquals(1f, LoopInputs.embeddingScale(CONFIG, Input.EMBEDDING));
        assertEquals(0f, LoopInputs.sourceScale(CONFIG, Input.EMBEDDING));
        for (Input shifted : new Input[] {Input.CARRY, Input.PREVIOUS_ROW}) {
            assertEquals(0.707f, LoopInputs.embeddingScale(CONFIG, shifted));
            assertEquals(0.053f, LoopInputs.sourceScale(CONFIG, shifted));
        }
        assertEquals(0f, LoopInputs.embeddingScale(CONFIG, Input.SERIAL_ROW));
        assertEquals(1f, LoopInputs.sourceScale(CONFIG, Input.SERIAL_ROW));
    }
}
