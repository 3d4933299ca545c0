package dev.plt.model.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API side of {@link StreamBandwidth}; only touched once the module is known to be present
 * (as {@code KernelBackends} does for the kernels). Four independent accumulators keep enough loads in
 * flight to saturate memory rather than the add latency.
 */
final class VectorStreamSum {
    /** The engine's width: the preferred species, capped at 512 bits like the kernels' "auto". */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;

    private VectorStreamSum() {
    }

    static String description() {
        return "FloatVector " + SPECIES.vectorBitSize() + "-bit (" + SPECIES.length() + " lanes)";
    }

    static double sum(float[] data, int from, int to) {
        int lanes = SPECIES.length();
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = from;
        for (; i + 4 * lanes <= to; i += 4 * lanes) {
            a0 = a0.add(FloatVector.fromArray(SPECIES, data, i));
            a1 = a1.add(FloatVector.fromArray(SPECIES, data, i + lanes));
            a2 = a2.add(FloatVector.fromArray(SPECIES, data, i + 2 * lanes));
            a3 = a3.add(FloatVector.fromArray(SPECIES, data, i + 3 * lanes));
        }
        double sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += data[i];
        }
        return sum;
    }
}
