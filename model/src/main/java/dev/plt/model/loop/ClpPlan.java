package dev.plt.model.loop;

import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * <b>How the loops of a call are scheduled: read this to understand Cross-Loop Parallelism (CLP).</b>
 * A plan is plain data, computed on the host for one {@code append} call (new tokens for any number of
 * sequences) and executed as it stands by every engine: the CPU fast path ({@code engine.PlanExecutor})
 * and the CUDA path ({@code cuda.CudaPlanExecutor}, which translates each pass into device tables). The
 * engines decide nothing about loops, inputs or carries themselves.
 *
 * <h2>The rule being scheduled (plt-spec section 3)</h2>
 * Loop l (0-based here) at position t consumes {@code B^0_t = E(x_t)} for loop 0, and for l >= 1 in PLT
 * mode {@code B^l_t = a * E(x_t) + b * h^{l-1}_{t-1}}: loop l-1's output one position back, the "carry".
 * Because of that one-token shift, the L loops of ONE new position do not depend on each other, so a
 * decode step runs them all in one pass. A vanilla (serial) loop consumes {@code h^{l-1}_t} instead, at
 * the same position, so its loops can only run one after the other. The arithmetic of the rule is done in
 * one place, {@link LoopInputs}; a plan only says where each input comes from ({@link Input}).
 *
 * <h2>Structure</h2>
 * <ul>
 *   <li>A <b>plan</b> is a list of {@link Step}s. Long prompts are cut into chunks of at most
 *       {@code prefillChunk} positions (bounding activation memory): step k holds positions
 *       {@code [k * chunk, (k + 1) * chunk)} of the new tokens of every sequence that has any there.</li>
 *   <li>A <b>step</b> is a list of {@link Pass}es, run in order, each a batch of rows through the M decoder
 *       layers. Either
 *       <ul>
 *         <li><b>fused</b> (every member adds exactly one token and the model is not serial: a decode
 *             step, or a prompt's last chunk when it holds one token per member):
 *             ONE pass of L rows per sequence, {@code row = member * L + loop}, all at the token's
 *             position; loop 0 reads the embedding, loop l >= 1 the carry h^{l-1}_{t-1} the sequence saved
 *             at its previous position; afterwards rows of loops 0 .. L-2 become the new carries; or</li>
 *         <li><b>loop by loop</b> (prefill, and serial models always): L passes, pass l holding loop l at
 *             every new position of every member (same row layout in every pass). In PLT mode the first new
 *             position reads the saved carry and later ones read the previous pass's row one position back;
 *             once pass l's inputs are built, the previous pass's last row per sequence becomes the carry of
 *             loop l-1 (not before: the first row of pass l still needed the old carry).</li>
 *       </ul>
 *       Both forms give every row the same inputs and the same operations, so a fused decode step gives
 *       the same bits as prefilling that token.</li>
 *   <li>A <b>pass</b> lists, per row: the sequence (index into the call's list), loop, RoPE position,
 *       token, input source and, for inputs from the previous pass, which of its rows. Rows of one
 *       (sequence, loop) are contiguous with ascending positions (a <b>run</b>): that is how windowed
 *       attention finds K/V computed in this very pass. It also lists which rows' outputs are saved as
 *       carries ({@link CarrySave}), before it runs (rows of the previous pass) or after (its own rows).</li>
 *   <li>The rows of the step's last pass that hold the last loop's output h^L of a position whose logits
 *       the caller asked for are the step's {@link Step#logitRows() logit rows}.</li>
 * </ul>
 *
 * <h2>Executing a step</h2>
 * For each pass in order: (1) build every row's input B from its {@link Input} (reading the carries as
 * they are before this pass's saves); (2) write {@link Pass#savesBeforeRun()}: each names a row of the
 * previous pass, whose output in its carried form (normed by model.norm when
 * {@code plt_normalize_per_loop}) becomes that sequence's carry of that loop; (3) run the rows through the
 * decoder stack; (4) write {@link Pass#savesAfterRun()}, rows of this pass, likewise. After the step each
 * member's length grows by its {@link Step#tokenCount(int) token count}; the next step's positions start
 * there.
 *
 * <h2>Example: PLT-2, sequence 0 of length 9 and sequence 1 of length 4, one new token each</h2>
 * One fused pass: {@code s0.l0@9 <- E | s0.l1@9 <- E+carry | s1.l0@4 <- E | s1.l1@4 <- E+carry}; after it,
 * rows 0 and 2 become the carries of loop 0; rows 1 and 3 give the logits. The same two sequences prefilled
 * with 3 new tokens each: pass 0 is six loop-0 rows reading E; pass 1 is {@code s0.l1@9 <- E+carry,
 * s0.l1@10 <- E+row0, s0.l1@11 <- E+row1, s1.l1@4 <- E+carry, ...}, and saves rows 2 and 5 of pass 0 (the
 * last positions' h^0) as carries once its inputs are built. {@link #toString()} prints any plan this way.
 */
public final class ClpPlan {
    /** Where a row's input B comes from; {@link LoopInputs} computes it. */
    public enum Input {
        /** {@code B = E(x_t)}: loop 0, and the only loop of a non-loop model. */
        EMBEDDING,
        /** {@code B = a * E(x_t) + b * carry}: PLT loop l >= 1 at a sequence's first new position of the step;
         *  the carry is h^{l-1}_{t-1} saved by the sequence earlier (zero before its first position). */
        CARRY,
        /** {@code B = a * E(x_t) + b * h^{l-1}_{t-1}}: PLT loop l >= 1 at a later position, whose h^{l-1}_{t-1}
         *  is row {@link Pass#inputRow} of the previous pass, in its carried form. */
        PREVIOUS_ROW,
        /** {@code B = h^{l-1}_t}, unscaled: a serial (vanilla) loop l >= 1, from row {@link Pass#inputRow} of the
         *  previous pass, in its carried form. */
        SERIAL_ROW
    }

    /** Row {@code row}'s output, in its carried form, becomes carry {@code loop} of sequence {@code sequence}. */
    public record CarrySave(int row, int sequence, int loop) {
    }

    private final List<Step> steps;

    private ClpPlan(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * The plan that appends {@code tokens.get(s)} to sequence s, which holds {@code lengths[s]} positions now.
     *
     * @param prefillChunk most new positions of one sequence in one step (>= 1)
     * @param allPositions logits for every new position, or only for each sequence's last new position
     */
    public static ClpPlan of(ModelConfig config, int[] lengths, List<int[]> tokens, int prefillChunk,
            boolean allPositions) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        }
        if (lengths.length != tokens.size()) {
            throw new IllegalArgumentException(
                    lengths.length + " sequence lengths for " + tokens.size() + " token lists");
        }
        int longest = tokens.stream().mapToInt(t -> t.length).max().orElse(0);
        List<Step> steps = new ArrayList<>();
        for (int chunkStart = 0; chunkStart < longest; chunkStart += prefillChunk) {
            steps.add(step(config, lengths, tokens, chunkStart, prefillChunk, allPositions));
        }
        return new ClpPlan(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    private static Step step(ModelConfig config, int[] lengths, List<int[]> tokens, int chunkStart, int chunk,
            boolean allPositions) {
        int[] members = IntStream.range(0, tokens.size())
                .filter(s -> chunkStart < tokens.get(s).length).toArray();
        int[] counts = new int[members.length];
        int[] firstPositions = new int[members.length];
        int[][] slices = new int[members.length][];
        boolean[] holdsLast = new boolean[members.length];
        boolean oneTokenEach = true;
        for (int m = 0; m < members.length; m++) {
            int[] all = tokens.get(members[m]);
            int end = Math.min(all.length, chunkStart + chunk);
            slices[m] = Arrays.copyOfRange(all, chunkStart, end);
            counts[m] = slices[m].length;
            firstPositions[m] = lengths[members[m]] + chunkStart;
            holdsLast[m] = end == all.length;
            oneTokenEach &= counts[m] == 1;
        }
        boolean fused = oneTokenEach && config.loopMode() != LoopMode.SERIAL;
        List<Pass> passes = fused
                ? fusedPasses(config, members, firstPositions, slices)
                : loopByLoopPasses(config, members, firstPositions, slices);
        Pass last = passes.get(passes.size() - 1);
        List<Integer> logitRows = new ArrayList<>();
        for (int row = 0; row < last.count(); row++) {
            if (last.loop(row) != config.numLoops() - 1) {
                continue;
            }
            int m = Arrays.binarySearch(members, last.sequence(row));
            boolean lastPosition = last.position(row) == firstPositions[m] + counts[m] - 1;
            if (allPositions || (holdsLast[m] && lastPosition)) {
                logitRows.add(row);
            }
        }
        return new Step(members, firstPositions, counts, fused, passes,
                logitRows.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Decode: every loop of every member in one pass, the member's L rows together. */
    private static List<Pass> fusedPasses(ModelConfig config, int[] members, int[] firstPositions, int[][] slices) {
        int loops = config.numLoops();
        PassBuilder pass = new PassBuilder(members.length * loops);
        for (int m = 0; m < members.length; m++) {
            for (int loop = 0; loop < loops; loop++) {
                int row = pass.add(members[m], loop, firstPositions[m], slices[m][0],
                        loop == 0 ? Input.EMBEDDING : Input.CARRY, -1);
                if (loop < loops - 1) {
                    pass.savesAfterRun.add(new CarrySave(row, members[m], loop));
                }
            }
        }
        return List.of(pass.build());
    }

    /** Prefill and serial models: loop 0 at every new position, then loop 1, ... in the same row layout. */
    private static List<Pass> loopByLoopPasses(ModelConfig config, int[] members, int[] firstPositions,
            int[][] slices) {
        boolean serial = config.loopMode() == LoopMode.SERIAL;
        int count = Arrays.stream(slices).mapToInt(s -> s.length).sum();
        List<Pass> passes = new ArrayList<>();
        for (int loop = 0; loop < config.numLoops(); loop++) {
            PassBuilder pass = new PassBuilder(count);
            for (int m = 0; m < members.length; m++) {
                for (int j = 0; j < slices[m].length; j++) {
                    int row = pass.size;
                    Input input;
                    int inputRow = -1;
                    if (loop == 0) {
                        input = Input.EMBEDDING;
                    } else if (serial) {
                        input = Input.SERIAL_ROW;
                        inputRow = row;
                    } else if (j == 0) {
                        input = Input.CARRY;
                    } else {
                        input = Input.PREVIOUS_ROW;
                        inputRow = row - 1;
                    }
                    pass.add(members[m], loop, firstPositions[m] + j, slices[m][j], input, inputRow);
                }
                if (loop > 0 && !serial) {
                    // The inputs above read the old carry; now loop-1's last new position becomes it.
                    pass.savesBeforeRun.add(new CarrySave(pass.size - 1, members[m], loop - 1));
                }
            }
            passes.add(pass.build());
        }
        return passes;
    }

    /** One chunk of the call: the sequences with new tokens in it and the passes that compute them. */
    public static final class Step {
        private final int[] members;
        private final int[] firstPositions;
        private final int[] tokenCounts;
        private final boolean fused;
        private final List<Pass> passes;
        private final int[] logitRows;

        private Step(int[] members, int[] firstPositions, int[] tokenCounts, boolean fused, List<Pass> passes,
                int[] logitRows) {
            this.members = members;
            this.firstPositions = firstPositions;
            this.tokenCounts = tokenCounts;
            this.fused = fused;
            this.passes = List.copyOf(passes);
            this.logitRows = logitRows;
        }

        /** Indices (into the call's sequence list, ascending) of the sequences with tokens in this step. */
        public int[] members() {
            return members.clone();
        }

        public int memberCount() {
            return members.length;
        }

        public int member(int m) {
            return members[m];
        }

        /** The position of member {@code m}'s first token in this step (its length before the step). */
        public int firstPosition(int m) {
            return firstPositions[m];
        }

        /** How many new tokens member {@code m} gets in this step (its length grows by this much). */
        public int tokenCount(int m) {
            return tokenCounts[m];
        }

        /** One past the highest position of any row: what RoPE tables and caches must hold. */
        public int positionsEnd() {
            int end = 0;
            for (int m = 0; m < members.length; m++) {
                end = Math.max(end, firstPositions[m] + tokenCounts[m]);
            }
            return end;
        }

        /** Whether all L loops run in one pass (a decode step). */
        public boolean fused() {
            return fused;
        }

        public List<Pass> passes() {
            return passes;
        }

        public Pass lastPass() {
            return passes.get(passes.size() - 1);
        }

        /** Rows of the last pass whose h^L gives logits the caller asked for, in the order to emit them. */
        public int[] logitRows() {
            return logitRows.clone();
        }

        /** The row count of the largest pass: what activation buffers must hold. */
        public int maxRows() {
            return passes.stream().mapToInt(Pass::count).max().orElse(0);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (int p = 0; p < passes.size(); p++) {
                out.append("pass ").append(p).append(": ").append(passes.get(p)).append('\n');
            }
            out.append("logits:");
            for (int row : logitRows) {
                out.append(" row").append(row);
            }
            return out.toString();
        }
    }

    /** The rows of one pass through the decoder stack; see the class comment. */
    public static final class Pass {
        private final int count;
        private final int[] sequence;
        private final int[] loop;
        private final int[] position;
        private final int[] token;
        private final Input[] input;
        private final int[] inputRow;
        private final int[] runStart;
        private final int[] runEnd;
        private final List<CarrySave> savesBeforeRun;
        private final List<CarrySave> savesAfterRun;

        private Pass(PassBuilder b) {
            count = b.size;
            sequence = b.sequence;
            loop = b.loop;
            position = b.position;
            token = b.token;
            input = b.input;
            inputRow = b.inputRow;
            runStart = b.runStart;
            runEnd = new int[count];
            for (int row = count - 1; row >= 0; row--) {
                runEnd[row] = row + 1 < count && runStart[row + 1] == runStart[row] ? runEnd[row + 1] : row + 1;
            }
            savesBeforeRun = List.copyOf(b.savesBeforeRun);
            savesAfterRun = List.copyOf(b.savesAfterRun);
        }

        public int count() {
            return count;
        }

        /** Index into the call's sequence list. */
        public int sequence(int row) {
            return sequence[row];
        }

        /** 0-based loop. */
        public int loop(int row) {
            return loop[row];
        }

        /** The RoPE position, and the cache slot the row's K/V go to. */
        public int position(int row) {
            return position[row];
        }

        public int token(int row) {
            return token[row];
        }

        public Input input(int row) {
            return input[row];
        }

        /** For {@link Input#PREVIOUS_ROW} and {@link Input#SERIAL_ROW}: the previous pass's row read; else -1. */
        public int inputRow(int row) {
            return inputRow[row];
        }

        /** The first row of the run (same sequence and loop, consecutive positions) {@code row} is in. */
        public int runStart(int row) {
            return runStart[row];
        }

        /** One past the last row of {@code row}'s run. */
        public int runEnd(int row) {
            return runEnd[row];
        }

        /** Rows of the PREVIOUS pass saved as carries once this pass's inputs are built. */
        public List<CarrySave> savesBeforeRun() {
            return savesBeforeRun;
        }

        /** Rows of this pass saved as carries after it runs. */
        public List<CarrySave> savesAfterRun() {
            return savesAfterRun;
        }

        /** Rows as {@code s<sequence>.l<loop>@<position> <- <input>}, then the carry saves. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (int row = 0; row < count; row++) {
                out.append(row == 0 ? "" : " | ").append('s').append(sequence[row]).append(".l").append(loop[row])
                        .append('@').append(position[row]).append(" <- ").append(switch (input[row]) {
                            case EMBEDDING -> "E";
                            case CARRY -> "E+carry";
                            case PREVIOUS_ROW -> "E+row" + inputRow[row];
                            case SERIAL_ROW -> "row" + inputRow[row];
                        });
            }
            appendSaves(out, "; before run save", savesBeforeRun);
            appendSaves(out, "; after run save", savesAfterRun);
            return out.toString();
        }

        private static void appendSaves(StringBuilder out, String label, List<CarrySave> saves) {
            if (!saves.isEmpty()) {
                out.append(label);
                for (CarrySave save : saves) {
                    out.append(" row").append(save.row()).append("->s").append(save.sequence()).append(".carry")
                            .append(save.loop());
                }
            }
        }
    }

    /** Fills a pass row by row and finds its runs. */
    private static final class PassBuilder {
        final int[] sequence;
        final int[] loop;
        final int[] position;
        final int[] token;
        final Input[] input;
        final int[] inputRow;
        final int[] runStart;
        final List<CarrySave> savesBeforeRun = new ArrayList<>();
        final List<CarrySave> savesAfterRun = new ArrayList<>();
        int size;

        PassBuilder(int capacity) {
            sequence = new int[capacity];
            loop = new int[capacity];
            position = new int[capacity];
            token = new int[capacity];
            input = new Input[capacity];
            inputRow = new int[capacity];
            runStart = new int[capacity];
        }

        int add(int seq, int loopIndex, int pos, int tokenId, Input in, int fromRow) {
            int row = size++;
            sequence[row] = seq;
            loop[row] = loopIndex;
            position[row] = pos;
            token[row] = tokenId;
            input[row] = in;
            inputRow[row] = fromRow;
            boolean continuesRun = row > 0 && sequence[row - 1] == seq && loop[row - 1] == loopIndex
                    && position[row - 1] == pos - 1;
            runStart[row] = continuesRun ? runStart[row - 1] : row;
            return row;
        }

        Pass build() {
            if (size != sequence.length) {
                throw new IllegalStateException("pass planned for " + sequence.length + " rows got " + size);
            }
            return new Pass(this);
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < steps.size(); k++) {
            out.append("step ").append(k).append(steps.get(k).fused() ? " (fused)" : "").append('\n')
                    .append(steps.get(k)).append('\n');
        }
        return out.toString();
    }
}
