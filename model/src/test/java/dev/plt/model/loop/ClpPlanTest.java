package dev.plt.model.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.ClpPlan.CarrySave;
import dev.plt.model.loop.ClpPlan.Input;
import dev.plt.model.loop.ClpPlan.Pass;
import dev.plt.model.loop.ClpPlan.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CLP plan against schedules worked out by hand from plt-spec section 3, for L = 1, 2, 3, PLT and
 * serial, decode steps of several sequences of different lengths, and prefill chunks that cut prompts. Rows
 * are written {@code s<sequence>.l<loop>@<position> <- <input>} (see {@link Pass#toString()}).
 */
class ClpPlanTest {
    private static ModelConfig config(int loops, LoopMode mode) {
        return new ModelConfig("llama", 32, 64, 2, 4, 2, 8, 300, 1e-5f, 10000.0, 4096, false, false, "float32",
                loops, mode, true, true, GateInput.QUERY, 3, 0.707f, 0.053f, false);
    }

    private static final ModelConfig NON_LOOP = config(1, LoopMode.NONE);
    private static final ModelConfig PLT2 = config(2, LoopMode.PARALLEL);
    private static final ModelConfig PLT3 = config(3, LoopMode.PARALLEL);
    private static final ModelConfig SERIAL3 = config(3, LoopMode.SERIAL);

    private static ClpPlan plan(ModelConfig config, int[] lengths, int chunk, boolean allPositions, int[]... tokens) {
        return ClpPlan.of(config, lengths, List.of(tokens), chunk, allPositions);
    }

    private static void assertPasses(Step step, String... expected) {
        assertEquals(expected.length, step.passes().size(), "passes of\n" + step);
        for (int p = 0; p < expected.length; p++) {
            assertEquals(expected[p], step.passes().get(p).toString(), "pass " + p);
        }
    }

    @Test
    void nonLoopDecodeIsOnePassOfOneRowPerSequence() {
        ClpPlan plan = plan(NON_LOOP, new int[] {3, 0}, 64, false, new int[] {7}, new int[] {8});
        assertEquals(1, plan.steps().size());
        Step step = plan.steps().get(0);
        assertTrue(step.fused());
        assertPasses(step, "s0.l0@3 <- E | s1.l0@0 <- E");
        assertArrayEquals(new int[] {7, 8}, tokensOf(step.lastPass()));
        assertTrue(step.lastPass().savesAfterRun().isEmpty(), "a non-loop model carries nothing");
        assertArrayEquals(new int[] {0, 1}, step.logitRows());
    }

    @Test
    void nonLoopPrefillIsOnePassOverEveryNewPosition() {
        ClpPlan plan = plan(NON_LOOP, new int[] {0, 5}, 64, false, new int[] {1, 2}, new int[] {3, 4, 5});
        Step step = plan.steps().get(0);
        assertFalse(step.fused());
        assertPasses(step, "s0.l0@0 <- E | s0.l0@1 <- E | s1.l0@5 <- E | s1.l0@6 <- E | s1.l0@7 <- E");
        assertArrayEquals(new int[] {1, 4}, step.logitRows(), "each sequence's last new position");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4},
                plan(NON_LOOP, new int[] {0, 5}, 64, true, new int[] {1, 2}, new int[] {3, 4, 5}).steps().get(0)
                        .logitRows(), "every position");
    }

    @Test
    void plt2DecodeOfSequencesOfDifferentLengthsIsOneFusedPass() {
        ClpPlan plan = plan(PLT2, new int[] {9, 4, 0}, 64, false, new int[] {5}, new int[] {6}, new int[] {7});
        Step step = plan.steps().get(0);
        assertTrue(step.fused());
        assertPasses(step, "s0.l0@9 <- E | s0.l1@9 <- E+carry | s1.l0@4 <- E | s1.l1@4 <- E+carry"
                + " | s2.l0@0 <- E | s2.l1@0 <- E+carry;"
                + " after run save row0->s0.carry0 row2->s1.carry0 row4->s2.carry0");
        Pass pass = step.lastPass();
        assertArrayEquals(new int[] {5, 5, 6, 6, 7, 7}, tokensOf(pass), "the L rows of a sequence share its token");
        assertArrayEquals(new int[] {1, 3, 5}, step.logitRows(), "the last loop of each sequence");
        assertTrue(pass.savesBeforeRun().isEmpty());
        for (int row = 0; row < pass.count(); row++) {
            assertEquals(row, pass.runStart(row), "in a decode pass every row is a run of its own");
            assertEquals(row + 1, pass.runEnd(row));
            assertEquals(-1, pass.inputRow(row));
        }
        assertEquals(10, step.positionsEnd());
        assertEquals(6, step.maxRows());
    }

    @Test
    void plt3DecodeSavesTheFirstTwoLoopsAsCarries() {
        Step step = plan(PLT3, new int[] {2, 6}, 64, false, new int[] {1}, new int[] {2}).steps().get(0);
        assertPasses(step, "s0.l0@2 <- E | s0.l1@2 <- E+carry | s0.l2@2 <- E+carry | s1.l0@6 <- E"
                + " | s1.l1@6 <- E+carry | s1.l2@6 <- E+carry;"
                + " after run save row0->s0.carry0 row1->s0.carry1 row3->s1.carry0 row4->s1.carry1");
        assertArrayEquals(new int[] {2, 5}, step.logitRows());
        assertEquals(List.of(new CarrySave(0, 0, 0), new CarrySave(1, 0, 1), new CarrySave(3, 1, 0),
                new CarrySave(4, 1, 1)), step.lastPass().savesAfterRun());
    }

    @Test
    void plt2PrefillChunksCrossingABoundaryKeepTheShiftAcrossSteps() {
        // Sequence 0 holds 2 positions and gets 5 tokens, sequence 1 is new and gets 2; chunks of 3.
        ClpPlan plan = plan(PLT2, new int[] {2, 0}, 3, false, new int[] {10, 11, 12, 13, 14}, new int[] {20, 21});
        assertEquals(2, plan.steps().size());
        Step first = plan.steps().get(0);
        assertFalse(first.fused());
        assertArrayEquals(new int[] {0, 1}, first.members());
        assertPasses(first,
                "s0.l0@2 <- E | s0.l0@3 <- E | s0.l0@4 <- E | s1.l0@0 <- E | s1.l0@1 <- E",
                "s0.l1@2 <- E+carry | s0.l1@3 <- E+row0 | s0.l1@4 <- E+row1 | s1.l1@0 <- E+carry | s1.l1@1 <- E+row3;"
                        + " before run save row2->s0.carry0 row4->s1.carry0");
        assertArrayEquals(new int[] {4}, first.logitRows(), "only sequence 1 ends in this chunk");
        assertArrayEquals(new int[] {10, 11, 12, 20, 21}, tokensOf(first.lastPass()));
        Pass loop2 = first.lastPass();
        assertArrayEquals(new int[] {0, 0, 0, 3, 3}, new int[] {loop2.runStart(0), loop2.runStart(1),
            loop2.runStart(2), loop2.runStart(3), loop2.runStart(4)}, "one run per sequence");
        assertArrayEquals(new int[] {3, 3, 3, 5, 5}, new int[] {loop2.runEnd(0), loop2.runEnd(1), loop2.runEnd(2),
            loop2.runEnd(3), loop2.runEnd(4)});

        // The second chunk continues sequence 0 at position 5, reading the carry the first chunk saved.
        Step second = plan.steps().get(1);
        assertArrayEquals(new int[] {0}, second.members());
        assertEquals(5, second.firstPosition(0));
        assertEquals(2, second.tokenCount(0));
        assertPasses(second, "s0.l0@5 <- E | s0.l0@6 <- E",
                "s0.l1@5 <- E+carry | s0.l1@6 <- E+row0; before run save row1->s0.carry0");
        assertArrayEquals(new int[] {1}, second.logitRows());
    }

    @Test
    void aChunkLeftWithOneTokenPerSequenceRunsAsADecodeStep() {
        ClpPlan plan = plan(PLT2, new int[] {0, 0}, 3, true, new int[] {1, 2, 3, 4}, new int[] {5, 6, 7});
        assertEquals(2, plan.steps().size());
        assertFalse(plan.steps().get(0).fused());
        Step rest = plan.steps().get(1);
        assertTrue(rest.fused());
        assertPasses(rest, "s0.l0@3 <- E | s0.l1@3 <- E+carry; after run save row0->s0.carry0");
        assertArrayEquals(new int[] {1}, rest.logitRows());
    }

    @Test
    void plt3PrefillShiftsEachLoopByOnePosition() {
        Step step = plan(PLT3, new int[] {0}, 64, true, new int[] {4, 5, 6}).steps().get(0);
        assertPasses(step,
                "s0.l0@0 <- E | s0.l0@1 <- E | s0.l0@2 <- E",
                "s0.l1@0 <- E+carry | s0.l1@1 <- E+row0 | s0.l1@2 <- E+row1; before run save row2->s0.carry0",
                "s0.l2@0 <- E+carry | s0.l2@1 <- E+row0 | s0.l2@2 <- E+row1; before run save row2->s0.carry1");
        assertArrayEquals(new int[] {0, 1, 2}, step.logitRows());
        for (Pass pass : step.passes()) {
            assertTrue(pass.savesAfterRun().isEmpty(), "the last loop carries nothing");
        }
    }

    @Test
    void serialLoopsRunOneAfterTheOtherAtTheSamePositionEvenInDecode() {
        Step decode = plan(SERIAL3, new int[] {4, 1}, 64, false, new int[] {1}, new int[] {2}).steps().get(0);
        assertFalse(decode.fused(), "loop l needs loop l-1 at the same position");
        assertPasses(decode, "s0.l0@4 <- E | s1.l0@1 <- E", "s0.l1@4 <- row0 | s1.l1@1 <- row1",
                "s0.l2@4 <- row0 | s1.l2@1 <- row1");
        assertArrayEquals(new int[] {0, 1}, decode.logitRows());
        Step prefill = plan(SERIAL3, new int[] {0}, 64, false, new int[] {1, 2}).steps().get(0);
        assertPasses(prefill, "s0.l0@0 <- E | s0.l0@1 <- E", "s0.l1@0 <- row0 | s0.l1@1 <- row1",
                "s0.l2@0 <- row0 | s0.l2@1 <- row1");
        assertEquals(Input.SERIAL_ROW, prefill.lastPass().input(1));
        assertEquals(1, prefill.lastPass().inputRow(1));
    }

    @Test
    void sequencesWithoutNewTokensAreLeftOut() {
        ClpPlan plan = plan(PLT2, new int[] {3, 8, 1}, 64, false, new int[0], new int[] {4}, new int[0]);
        Step step = plan.steps().get(0);
        assertArrayEquals(new int[] {1}, step.members());
        assertPasses(step, "s1.l0@8 <- E | s1.l1@8 <- E+carry; after run save row0->s1.carry0");
        assertTrue(plan(PLT2, new int[] {3}, 64, false, new int[0]).steps().isEmpty());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> plan(PLT2, new int[] {0}, 0, false, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> plan(PLT2, new int[] {0, 0}, 4, false, new int[] {1}));
    }

    private static int[] tokensOf(Pass pass) {
        int[] tokens = new int[pass.count()];
        for (int row = 0; row < pass.count(); row++) {
            tokens[row] = pass.token(row);
        }
        return tokens;
    }
}
