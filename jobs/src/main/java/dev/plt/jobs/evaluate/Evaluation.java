package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.model.errors.ErrorKind;
import dev.plt.udfs.lm.LM;
import dev.plt.udfs.lm.LmResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one task with lm-evaluation-harness semantics: the task's samples give requests, the {@link LM}
 * answers them all in one call of the task's request type, and each sample's answers are scored by the
 * task and aggregated on the driver, in sample order, never in the order answers were computed, so the
 * results are the same bits whatever the partitioning and batch size. A sample whose data cannot be
 * scored (a GSM8K reference without its number) is an {@code invalid_input} error, not a wrong answer,
 * and is not asked; a sample with a failed request gets that request's error.
 */
public final class Evaluation {
    private final LM lm;
    private final String modelId;

    public Evaluation(LM lm, String modelId) {
        this.lm = lm;
        this.modelId = modelId;
    }

    public EvaluationResult run(Task task, List<Sample> samples) {
        long start = System.nanoTime();
        RequestType type = task.requestType();
        List<Request> requests = new ArrayList<>();
        for (Sample sample : samples) {
            if (sample.invalid() == null) {
                requests.addAll(sample.requests());
            }
        }
        List<LmResponse> answers = lm.answer(type, requests);
        List<SampleOutcome> outcomes = new ArrayList<>();
        TaskAccumulator accumulator = task.newAccumulator();
        long promptTokens = 0;
        long completionTokens = 0;
        int next = 0;
        for (Sample sample : samples) {
            if (sample.invalid() != null) {
                outcomes.add(new SampleOutcome(sample, List.of(), null, null, sample.invalid(),
                        ErrorKind.INVALID_INPUT.code(), 0, 0));
                continue;
            }
            List<LmResponse> own = answers.subList(next, next + sample.requests().size());
            next += own.size();
            int prompt = own.stream().mapToInt(LmResponse::promptTokens).sum();
            int completion = own.stream().mapToInt(LmResponse::completionTokens).sum();
            promptTokens += prompt;
            completionTokens += completion;
            LmResponse failed = own.stream().filter(LmResponse::isError).findFirst().orElse(null);
            if (failed != null) {
                outcomes.add(new SampleOutcome(sample, List.of(), null, null, failed.error(), failed.errorKind(),
                        prompt, completion));
                continue;
            }
            List<Response> responses = own.stream().map(LmResponse::response).toList();
            List<Double> loglikelihoods = type == RequestType.GENERATE_UNTIL ? List.of()
                    : responses.stream().map(Response::loglikelihood).toList();
            String output = type == RequestType.GENERATE_UNTIL ? responses.get(0).text() : null;
            SampleScore score = task.score(sample, responses);
            accumulator.add(score);
            outcomes.add(new SampleOutcome(sample, loglikelihoods, output, score, null, null, prompt, completion,
                    responses));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EvaluationResult(task.name(), modelId, accumulator.result(), outcomes, seconds, promptTokens,
                completionTokens);
    }
}
