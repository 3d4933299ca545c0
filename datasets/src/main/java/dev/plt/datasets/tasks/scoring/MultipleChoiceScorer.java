package dev.plt.datasets.tasks.scoring;

import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleScorer;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's multiple-choice metrics from one log-likelihood per choice.
 * <ul>
 *   <li>{@code acc}: the choice with the highest summed log-likelihood is the gold one.</li>
 *   <li>{@code acc_norm}: the same after dividing each log-likelihood by the character length of the
 *       choice text (lm-eval divides by {@code len(choice)} of {@code doc_to_choice}, i.e. without the
 *       leading space), so long choices are not penalised for having more tokens.</li>
 * </ul>
 * Ties go to the lowest index, as numpy's argmax.
 */
public final class MultipleChoiceScorer implements SampleScorer {
    private static final long serialVersionUID = 1L;

    @Override
    public Map<String, Aggregation> metrics() {
        Map<String, Aggregation> m = new LinkedHashMap<>();
        m.put("acc", Aggregation.MEAN);
        m.put("acc_norm", Aggregation.MEAN);
        return m;
    }

    @Override
    public SampleScore score(Sample sample, List<Response> responses) {
        SampleScorer.requireOnePerRequest(sample, responses);
        double[] ll = responses.stream().mapToDouble(Response::loglikelihood).toArray();
        int pred = argmax(ll);
        int predNorm = argmax(normalised(ll, sample.choices()));
        Map<String, MetricValue> values = new LinkedHashMap<>();
        values.put("acc", MetricValue.of(pred == sample.gold()));
        values.put("acc_norm", MetricValue.of(predNorm == sample.gold()));
        return new SampleScore(sample.id(), sample.subject(), values, sample.choices().get(pred));
    }

    /** Log-likelihoods divided by their choice's length in characters (code points, as Python's len). */
    public static double[] normalised(double[] loglikelihoods, List<String> choices) {
        double[] out = new double[loglikelihoods.length];
        for (int i = 0; i < out.length; i++) {
            // An empty choice would divide by zero; lm-eval never has one, so count it as length 1.
            int length = Math.max(1, choices.get(i).codePointCount(0, choices.get(i).length()));
            out[i] = loglikelihoods[i] / length;
        }
        return out;
    }

    /** Index of the largest value, the first one on ties. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
