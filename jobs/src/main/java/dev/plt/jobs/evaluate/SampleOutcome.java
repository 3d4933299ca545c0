package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.metrics.SampleScore;
import java.util.List;

/**
 * What happened to one sample: the model's raw answers and their score, or the error that stopped it.
 *
 * @param loglikelihoods one per request (multiple choice, perplexity); empty for generation
 * @param output         the generated text (generation tasks), else null
 * @param score          null when {@code error} is set
 */
public record SampleOutcome(Sample sample, List<Double> loglikelihoods, String output, SampleScore score,
        String error, int promptTokens, int completionTokens) {
}
