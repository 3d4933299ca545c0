package dev.plt.datasets.tasks.chase;

import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code chase} task: every query of {@code n} held-out examples is one sample, scored as nine-way
 * multiple choice over the variable letters; the context is the example up to (not including) the
 * answer letter, earlier queries and their answers included, exactly as in training. The subject is
 * {@code hop_<h>}, so the per-subject breakdown is the accuracy by hop and the overall {@code acc} the
 * accuracy over all queries.
 *
 * <p>The choices are bare letters: lm-eval's leading-space delimiter would put a token the model never saw
 * before every answer.
 */
public record ChaseSource(long seed, String split, int n, String order) implements SampleSource {
    public static final List<String> LETTERS = letters();

    public ChaseSource {
        ChaseOrder.of(order);
        new ChaseGenerator(seed, split, ChaseOrder.of(order)); // reject a bad split when the task is built
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
    }

    @Override
    public List<Sample> load() {
        List<ChaseExample> examples = ChaseGenerator.generate(seed, split, n, ChaseOrder.of(order));
        List<Sample> samples = new ArrayList<>(examples.size() * ChaseGenerator.QUERIES);
        for (int i = 0; i < examples.size(); i++) {
            ChaseExample e = examples.get(i);
            for (int j = 0; j < e.queries().size(); j++) {
                ChaseQuery q = e.queries().get(j);
                String context = e.contextBeforeAnswer(j);
                List<Request> requests = LETTERS.stream()
                        .<Request>map(letter -> new LoglikelihoodRequest(context, letter)).toList();
                Map<String, String> doc = new LinkedHashMap<>();
                doc.put("example", e.text());
                doc.put("query", String.valueOf(q.query()));
                doc.put("hops", Integer.toString(q.hops()));
                doc.put("answer", String.valueOf(q.answer()));
                samples.add(new Sample("chase/" + order + "/" + split + "/" + i + "/" + j, doc, requests, LETTERS,
                        ChaseAlphabet.variable(q.answer()), String.valueOf(q.answer()), "hop_" + q.hops(), context));
            }
        }
        return samples;
    }

    private static List<String> letters() {
        List<String> letters = new ArrayList<>();
        for (int v = 0; v < ChaseAlphabet.VARIABLES; v++) {
            letters.add(String.valueOf(ChaseAlphabet.letter(v)));
        }
        return List.copyOf(letters);
    }
}
