package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.model.errors.ErrorKind;
import java.util.List;

/**
 * What happened to one sample: the model's raw answers and their score, or the error that stopped it.
 *
 * @param loglikelihoods one per request (multiple choice, perplexity); empty for generation
 * @param output         the generated text (generation tasks), else null
 * @param score          null when {@code error} is set
 * @param errorKind      the error's {@code error_kind} code; null when {@code error} is null
 * @param responses      the engine's answer to each request of the sample, in request order, as the scorer
 *                       got them (log-likelihood and greedy flag, document total, or generated text); empty
 *                       when {@code error} is set
 */
public record SampleOutcome(Sample sample, List<Double> loglikelihoods, String output, SampleScore score,
        String error, String errorKind, int promptTokens, int completionTokens, List<Response> responses) {

    public SampleOutcome {
        responses = List.copyOf(responses);
    }

    /** An outcome without the engine's responses (an error, or a caller that does not keep them). */
    public SampleOutcome(Sample sample, List<Double> loglikelihoods, String output, SampleScore score,
            String error, String errorKind, int promptTokens, int completionTokens) {
        this(sample, loglikelihoods, output, score, error, errorKind, promptTokens, completionTokens, List.of());
    }

    /** An outcome whose error (if any) is of kind {@code engine}. */
    public SampleOutcome(Sample sample, List<Double> loglikelihoods, String output, SampleScore score, String error,
            int promptTokens, int completionTokens) {
        this(sample, loglikelihoods, output, score, error, error == null ? null : ErrorKind.ENGINE.code(),
                promptTokens, completionTokens);
    }
}
