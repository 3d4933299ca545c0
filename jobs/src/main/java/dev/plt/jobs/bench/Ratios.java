package dev.plt.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decode ms/step of one variant over another's, pair by pair, at each dtype and batch of one run. */
final class Ratios {
    /** {numerator, denominator}: the comparisons the issue asks for, plus PLT-3 against its own vanilla loop. */
    static final List<String[]> PAIRS = List.of(
            new String[] {"plt-2", "non-loop"},
            new String[] {"plt-2", "loop-2"},
            new String[] {"plt-3", "non-loop"},
            new String[] {"loop-2", "non-loop"},
            new String[] {"plt-3", "loop-3"});

    private Ratios() {
    }

    static List<BenchReport.Ratio> of(List<BenchReport.Decode> decode, List<String> dtypes, List<Integer> batches) {
        List<BenchReport.Ratio> ratios = new ArrayList<>();
        for (String[] pair : PAIRS) {
            for (String dtype : dtypes) {
                for (int batch : batches) {
                    Optional<BenchReport.Decode> top = decode(decode, pair[0], dtype, batch);
                    Optional<BenchReport.Decode> bottom = decode(decode, pair[1], dtype, batch);
                    if (top.isPresent() && bottom.isPresent()) {
                        double n = top.get().msPerStep();
                        double d = bottom.get().msPerStep();
                        ratios.add(new BenchReport.Ratio(pair[0] + "/" + pair[1], dtype, batch, n, d, n / d));
                    }
                }
            }
        }
        return ratios;
    }

    static Optional<BenchReport.Decode> decode(List<BenchReport.Decode> decode, String variant, String dtype, int batch) {
        return decode.stream()
                .filter(d -> d.variant().equals(variant) && d.dtype().equals(dtype) && d.batch() == batch)
                .findFirst();
    }

    static Optional<BenchReport.Ratio> ratio(List<BenchReport.Ratio> ratios, String name, String dtype, int batch) {
        return ratios.stream()
                .filter(r -> r.name().equals(name) && r.dtype().equals(dtype) && r.batch() == batch)
                .findFirst();
    }
}
