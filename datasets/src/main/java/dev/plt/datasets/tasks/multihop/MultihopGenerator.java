package dev.plt.datasets.tasks.multihop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded synthetic multi-hop reasoning: variable chains with distractors.
 *
 * <p>Format (ASCII, one line, short enough for a byte-level tokenizer):
 * <pre>
 *   m=7. q=k. a=m. k=3. x=q. b=a. What is x? Answer:       -> " 3"   (hops=3, chains=2)
 * </pre>
 * Each of {@code chains} chains starts with {@code v1=d} (a digit, distinct across chains) and continues
 * {@code v2=v1. ... vH=v(H-1).}; the question asks for the last variable of one chain. Answering takes
 * exactly {@code hops} lookups ({@code x -> q -> k -> 3}), and the design keeps shortcuts out so that
 * depth is what makes it hard:
 * <ul>
 *   <li>statements are shuffled, so position says nothing about the chain;</li>
 *   <li>every chain has the same length and a different digit, so counting or picking the most frequent
 *       digit does not help; the queried chain and the digits are uniform;</li>
 *   <li>names are random single letters (two letters when more than 26 are needed).</li>
 * </ul>
 * The answer is one of "0".."9", scored as multiple choice over {@code " 0"} .. {@code " 9"}.
 *
 * <p>Splits are disjoint by construction, not by luck: a problem belongs to {@code test} when a fixed
 * hash of its prompt is 0 mod 10, to {@code validation} when it is 1, to {@code train} otherwise.
 * Each split draws from its own stream seeded by (seed, split) and keeps only problems that hash into
 * it, so no seed pair can put a test prompt into training data. Problems within a split may repeat
 * when {@code n} approaches the size of the problem space (tiny for hops=1, chains=1).
 */
public final class MultihopGenerator {
    private static final int BUCKETS = 10;

    private MultihopGenerator() {
    }

    public static List<MultihopProblem> generate(MultihopSpec spec) {
        SplittableRandom random = new SplittableRandom(mix(spec.seed(), spec.split().hashCode(), spec.hops()));
        List<MultihopProblem> out = new ArrayList<>(spec.n());
        while (out.size() < spec.n()) {
            MultihopProblem problem = problem(random, spec.hops(), spec.chains());
            if (splitOf(problem.prompt()).equals(spec.split())) {
                out.add(problem);
            }
        }
        return out;
    }

    /** The split a prompt belongs to, whatever seed produced it. */
    public static String splitOf(String prompt) {
        int bucket = (int) Long.remainderUnsigned(mix(prompt.hashCode(), 0, 0), BUCKETS);
        return bucket == 0 ? "test" : bucket == 1 ? "validation" : "train";
    }

    static MultihopProblem problem(SplittableRandom random, int hops, int chains) {
        List<String> names = names(random, hops * chains);
        List<Integer> digits = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        shuffle(digits, random);
        List<String> statements = new ArrayList<>(hops * chains);
        for (int c = 0; c < chains; c++) {
            statements.add(names.get(c * hops) + "=" + digits.get(c) + ".");
            for (int h = 1; h < hops; h++) {
                statements.add(names.get(c * hops + h) + "=" + names.get(c * hops + h - 1) + ".");
            }
        }
        shuffle(statements, random);
        int asked = random.nextInt(chains);
        String prompt = String.join(" ", statements) + " What is " + names.get(asked * hops + hops - 1)
                + "? Answer:";
        return new MultihopProblem(prompt, digits.get(asked), hops);
    }

    /** {@code count} distinct random names: single letters while they suffice, else two letters. */
    private static List<String> names(SplittableRandom random, int count) {
        int width = count <= 26 ? 1 : 2;
        int space = width == 1 ? 26 : 26 * 26;
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < count) {
            int code = random.nextInt(space);
            names.add(width == 1 ? String.valueOf((char) ('a' + code))
                    : "" + (char) ('a' + code / 26) + (char) ('a' + code % 26));
        }
        return new ArrayList<>(names);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        // Collections.shuffle wants a java.util.Random; seed one from the stream to stay deterministic.
        Collections.shuffle(list, new Random(random.nextLong()));
    }

    /** SplitMix64's finaliser over a combination of the inputs: a well-spread, stable 64-bit hash. */
    static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xBF58476D1CE4E5B9L + c * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
