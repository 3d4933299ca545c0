package dev.plt.datasets.tasks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * The draws of CPython's {@code random.Random(seed)} that lm-eval's few-shot sampler makes: {@code sample}
 * of a sequence. Python seeds MT19937 with {@code init_by_array} over the 32-bit words of {@code |seed|}
 * (least significant first); {@code getrandbits(k)} for k &lt;= 32 is the next tempered word shifted right
 * by 32 - k, exactly commons-math3's {@link MersenneTwister#next(int)}; {@code _randbelow(n)} draws
 * {@code n.bit_length()} bits until the value is below n; {@code sample(population, k)} picks k indices
 * from a shrinking pool when the population is small, else by rejection against a set (CPython's
 * {@code Lib/random.py}, unchanged since 3.2 for these paths). Not thread safe: one per sampler.
 */
public final class PythonRandom {
    private final Twister twister;

    /** {@code random.Random(seed)}. */
    public PythonRandom(long seed) {
        BigInteger magnitude = BigInteger.valueOf(seed).abs();
        List<Integer> words = new ArrayList<>();
        do {
            words.add(magnitude.intValue()); // the low 32 bits, as an unsigned word's bit pattern
            magnitude = magnitude.shiftRight(32);
        } while (magnitude.signum() > 0);
        twister = new Twister(words.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@code getrandbits(bits)} for 1 &lt;= bits &lt;= 32, as a non-negative long. */
    public long getrandbits(int bits) {
        if (bits < 1 || bits > 32) {
            throw new IllegalArgumentException("bits must be in [1, 32], got " + bits);
        }
        return twister.bits(bits) & 0xFFFFFFFFL;
    }

    /** {@code _randbelow(n)}: uniform in [0, n), for n &gt;= 1. */
    public int randbelow(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("randbelow needs n >= 1, got " + n);
        }
        int bits = 32 - Integer.numberOfLeadingZeros(n); // n.bit_length()
        long r = getrandbits(bits);
        while (r >= n) {
            r = getrandbits(bits);
        }
        return (int) r;
    }

    /**
     * The indices {@code random.sample(population, k)} picks from a population of {@code n}, in the order it
     * returns them.
     */
    public int[] sample(int n, int k) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("Sample larger than population or is negative: k=" + k + ", n=" + n);
        }
        int[] result = new int[k];
        long setsize = 21;
        if (k > 5) {
            setsize += (long) Math.pow(4, Math.ceil(Math.log(k * 3.0) / Math.log(4)));
        }
        if (n <= setsize) {
            int[] pool = new int[n];
            for (int i = 0; i < n; i++) {
                pool[i] = i;
            }
            for (int i = 0; i < k; i++) {
                int j = randbelow(n - i);
                result[i] = pool[j];
                pool[j] = pool[n - i - 1]; // move the last non-selected item into the vacancy
            }
        } else {
            Set<Integer> selected = new HashSet<>();
            for (int i = 0; i < k; i++) {
                int j = randbelow(n);
                while (selected.contains(j)) {
                    j = randbelow(n);
                }
                selected.add(j);
                result[i] = j;
            }
        }
        return result;
    }

    /** Exposes the twister's next word; its int[] constructor is MT19937's init_by_array. */
    private static final class Twister extends MersenneTwister {
        private static final long serialVersionUID = 1L;

        Twister(int[] key) {
            super(key);
        }

        int bits(int k) {
            return next(k);
        }
    }
}
