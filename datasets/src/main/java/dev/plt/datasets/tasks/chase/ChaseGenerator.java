package dev.plt.datasets.tasks.chase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded compact pointer chasing. An example is a random {@value #CYCLE}-cycle over {@value #CYCLE} of the
 * {@value ChaseAlphabet#VARIABLES} variables, written as its {@value #CYCLE} pair characters in random
 * order, then {@code |}, then {@value #QUERIES} queries of a random variable of the cycle and a random hop
 * count h in 1..{@value #MAX_HOPS}; the answer is pi^h(q). On a single cycle longer than h the answer is
 * never q itself, so copying the query letter scores nothing.
 *
 * <p>Splits are disjoint by construction: a cycle belongs to {@code test} when a fixed hash of its edge set
 * is 0 mod 10, to {@code validation} when it is 1, to {@code train} otherwise (the same rule as the
 * multihop task). The hash ignores the shuffled fact order and the queries, so a test cycle never appears
 * in training in any order or with any queries, and its split is the same in both query orders.
 */
public final class ChaseGenerator {
    public static final int CYCLE = 8;
    public static final int QUERIES = 8;
    public static final int MAX_HOPS = 2;
    /** Tokens of one example: facts, separator, queries. */
    public static final int EXAMPLE_TOKENS = CYCLE + 1 + ChaseExample.TOKENS_PER_QUERY * QUERIES;
    public static final List<String> SPLITS = List.of("train", "validation", "test");
    private static final int BUCKETS = 10;

    private final SplittableRandom random;
    private final String split;
    private final ChaseOrder order;

    /** An endless stream of examples of one split, determined by (seed, split); the order only renders them. */
    public ChaseGenerator(long seed, String split, ChaseOrder order) {
        this.split = checkSplit(split);
        this.order = order;
        this.random = new SplittableRandom(mix(seed, this.split.hashCode()));
    }

    /** The first {@code n} examples of the stream of (seed, split). */
    public static List<ChaseExample> generate(long seed, String split, int n, ChaseOrder order) {
        ChaseGenerator generator = new ChaseGenerator(seed, split, order);
        List<ChaseExample> out = new ArrayList<>(n);
        while (out.size() < n) {
            out.add(generator.next());
        }
        return out;
    }

    /** The next example whose cycle belongs to this generator's split. */
    public ChaseExample next() {
        while (true) {
            ChaseExample e = example(random, order);
            if (splitOf(e.facts()).equals(split)) {
                return e;
            }
        }
    }

    /** The split of the cycle a facts string writes, whatever order its characters are in. */
    public static String splitOf(String facts) {
        char[] edges = facts.toCharArray();
        Arrays.sort(edges);
        int bucket = (int) Long.remainderUnsigned(mix(new String(edges).hashCode(), 0x636861736500L), BUCKETS);
        return bucket == 0 ? "test" : bucket == 1 ? "validation" : "train";
    }

    static ChaseExample example(SplittableRandom random, ChaseOrder order) {
        int[] variables = permutation(random, ChaseAlphabet.VARIABLES);
        int[] successor = new int[ChaseAlphabet.VARIABLES];
        Arrays.fill(successor, -1);
        char[] facts = new char[CYCLE];
        for (int i = 0; i < CYCLE; i++) {
            successor[variables[i]] = variables[(i + 1) % CYCLE];
            facts[i] = ChaseAlphabet.pair(variables[i], successor[variables[i]]);
        }
        int[] factOrder = permutation(random, CYCLE);
        char[] shuffled = new char[CYCLE];
        for (int i = 0; i < CYCLE; i++) {
            shuffled[i] = facts[factOrder[i]];
        }
        List<ChaseQuery> queries = new ArrayList<>(QUERIES);
        for (int j = 0; j < QUERIES; j++) {
            int q = variables[random.nextInt(CYCLE)];
            int hops = 1 + random.nextInt(MAX_HOPS);
            int a = q;
            for (int h = 0; h < hops; h++) {
                a = successor[a];
            }
            queries.add(new ChaseQuery(ChaseAlphabet.letter(q), hops, ChaseAlphabet.letter(a)));
        }
        return new ChaseExample(new String(shuffled), queries, order);
    }

    private static int[] permutation(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static String checkSplit(String split) {
        String s = split.toLowerCase(Locale.ROOT);
        if (!SPLITS.contains(s)) {
            throw new IllegalArgumentException("chase split must be one of " + SPLITS + ", got '" + split + "'");
        }
        return s;
    }

    /** SplitMix64's finaliser over a combination of the inputs: a well-spread, stable 64-bit hash. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
