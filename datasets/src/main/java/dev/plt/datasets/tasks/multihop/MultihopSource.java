package dev.plt.datasets.tasks.multihop;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code multihop} task: {@code n} problems for each depth in {@code hops}, scored as ten-way
 * multiple choice. The subject of a sample is {@code "hops_<h>"}, so the per-subject breakdown is the
 * accuracy-versus-depth curve.
 */
public record MultihopSource(long seed, String split, int n, List<Integer> hops, int chains) implements SampleSource {
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    public MultihopSource {
        hops = List.copyOf(hops);
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("hops must list at least one depth");
        }
        hops.forEach(h -> new MultihopSpec(seed, split, n, h, chains)); // validate every depth now
    }

    @Override
    public List<Sample> load() {
        List<Sample> samples = new ArrayList<>();
        for (int h : hops) {
            List<MultihopProblem> problems = MultihopGenerator.generate(new MultihopSpec(seed, split, n, h, chains));
            for (int i = 0; i < problems.size(); i++) {
                MultihopProblem p = problems.get(i);
                Map<String, String> doc = new LinkedHashMap<>();
                doc.put("prompt", p.prompt());
                doc.put("answer", Integer.toString(p.answer()));
                doc.put("hops", Integer.toString(h));
                samples.add(Sample.multipleChoice("multihop/" + split + "/hops_" + h + "/" + i, doc, p.prompt(),
                        DIGITS, p.answer(), "hops_" + h, Sample.shorten(p.prompt(), 100)));
            }
        }
        return samples;
    }
}
