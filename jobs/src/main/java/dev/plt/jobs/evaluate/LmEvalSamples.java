package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's {@code samples_<task>_<timestamp>.jsonl}: one JSON object a line per evaluated document, in
 * document order, with lm-eval's fields (see {@link LmEvalResults} for the version followed):
 * <ul>
 *   <li>{@code doc_id}: the document's index in its (sub)task, from 0;</li>
 *   <li>{@code doc}: the document's source fields ({@link Sample#doc()}: plt's, all strings, not the
 *       Hugging Face row lm-eval would hold);</li>
 *   <li>{@code target}: as lm-eval's {@code doc_to_target}: the gold choice's index (an integer) for
 *       multiple choice, the reference answer for generation (for GSM8K the number after {@code ####},
 *       where lm-eval's gsm8k task has the whole solution and strips it in its metric), the document for
 *       perplexity; null for a sample whose data has no usable reference;</li>
 *   <li>{@code arguments}: each request's arguments as {@code {"gen_args_<i>": {"arg_<j>": ...}}}: (context,
 *       continuation) for log-likelihood, (context, generation settings) for generation, (document) for
 *       rolling log-likelihood;</li>
 *   <li>{@code resps}: per request, the list of its answers (one: no repeats), each as Python prints it:
 *       {@code ["-4.25", "False"]} (log-likelihood, greedy), {@code "text"} or {@code "-123.5"};
 *       generated text is cut at the first stop string, as lm-eval's models return it;</li>
 *   <li>{@code filtered_resps}: per request, the answer after the task's filter; plt's tasks have one
 *       filter, lm-eval's {@code "none"} (take the first answer);</li>
 *   <li>{@code filter}, {@code metrics}: the filter's name and the names of the metrics in this line;</li>
 *   <li>{@code doc_hash}, {@code prompt_hash}, {@code target_hash}: {@code hash_string} (SHA-256 hex of
 *       UTF-8) of {@code json.dumps(doc, indent=2, ensure_ascii=False)}, of the first request's first
 *       argument (the prompt), and of {@code str(target)} ({@code "None"} for null);</li>
 *   <li>each metric's value by name: a number for a mean (0.0 or 1.0 for accuracies), a pair
 *       {@code [log-likelihood, words or bytes]} for the perplexities, as lm-eval's per-document items.</li>
 * </ul>
 * plt adds {@code sample_id} (the key of the {@code samples/} table) and, for a sample that failed,
 * {@code error} and {@code error_kind}; such a line has empty {@code resps} and no metric values.
 */
public final class LmEvalSamples {
    /** The filter every plt task applies, in lm-eval's name: take the first answer of each request. */
    public static final String FILTER = "none";

    private LmEvalSamples() {
    }

    /** The lines of one (sub)task's file, {@code doc_id} counting from 0 in the order given. */
    public static List<Map<String, Object>> lines(Task task, List<SampleOutcome> outcomes) {
        List<Map<String, Object>> lines = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            lines.add(line(task, i, outcomes.get(i)));
        }
        return lines;
    }

    /** The file's bytes: one compact JSON object a line, each ending in a newline. */
    public static byte[] jsonl(List<Map<String, Object>> lines) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> line : lines) {
            out.append(PythonJson.dumps(line)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** lm-eval's {@code task_hashes} entry: hash_string of every line's doc, prompt and target hashes joined. */
    public static String taskHash(List<Map<String, Object>> lines) {
        StringBuilder joined = new StringBuilder();
        for (Map<String, Object> line : lines) {
            joined.append(line.get("doc_hash")).append(line.get("prompt_hash")).append(line.get("target_hash"));
        }
        return PythonJson.hashString(joined.toString());
    }

    static Map<String, Object> line(Task task, int docId, SampleOutcome outcome) {
        Sample sample = outcome.sample();
        Object target = target(sample);
        Map<String, Object> arguments = new LinkedHashMap<>();
        List<Request> requests = sample.requests();
        for (int i = 0; i < requests.size(); i++) {
            List<Object> args = arguments(requests.get(i));
            Map<String, Object> named = new LinkedHashMap<>();
            for (int j = 0; j < args.size(); j++) {
                named.put("arg_" + j, args.get(j));
            }
            arguments.put("gen_args_" + i, named);
        }
        List<Object> resps = new ArrayList<>();
        List<Object> filtered = new ArrayList<>();
        for (int i = 0; i < outcome.responses().size(); i++) {
            Object answer = answer(requests.get(i), outcome.responses().get(i));
            resps.add(List.of(answer));
            filtered.add(answer);
        }
        List<String> metricNames = new ArrayList<>();
        Map<String, Object> metricValues = new LinkedHashMap<>();
        if (outcome.score() != null) {
            for (Map.Entry<String, Aggregation> m : task.metrics().entrySet()) {
                MetricValue v = outcome.score().metrics().get(m.getKey());
                if (v != null) {
                    metricNames.add(m.getKey());
                    metricValues.put(m.getKey(), value(m.getValue(), v));
                }
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("doc_id", docId);
        line.put("doc", sample.doc());
        line.put("target", target);
        line.put("arguments", arguments);
        line.put("resps", resps);
        line.put("filtered_resps", filtered);
        line.put("filter", FILTER);
        line.put("metrics", metricNames);
        line.put("doc_hash", PythonJson.hashString(PythonJson.dumps(sample.doc(), 2)));
        line.put("prompt_hash", PythonJson.hashString(prompt(requests.get(0))));
        line.put("target_hash", PythonJson.hashString(target == null ? "None" : target.toString()));
        line.putAll(metricValues);
        line.put("sample_id", sample.id());
        if (outcome.error() != null) {
            line.put("error", outcome.error());
            line.put("error_kind", outcome.errorKind());
        }
        return line;
    }

    /** lm-eval's {@code doc_to_target}, as far as plt's samples tell it. */
    static Object target(Sample sample) {
        Request first = sample.requests().get(0);
        if (!sample.choices().isEmpty()) {
            return sample.gold();
        }
        if (first instanceof LoglikelihoodRollingRequest rolling) {
            return rolling.document();
        }
        return sample.target();
    }

    /** lm-eval's {@code Instance.args} of a request. */
    static List<Object> arguments(Request request) {
        if (request instanceof LoglikelihoodRequest ll) {
            return List.of(ll.context(), ll.continuation());
        }
        if (request instanceof GenerateUntilRequest g) {
            return List.of(g.context(), generationKwargs(g));
        }
        return List.of(((LoglikelihoodRollingRequest) request).document());
    }

    /** The generation settings in lm-eval's {@code generation_kwargs} keys: greedy, so temperature 0. */
    static Map<String, Object> generationKwargs(GenerateUntilRequest g) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("until", g.until());
        kwargs.put("max_gen_toks", g.maxGenTokens());
        kwargs.put("do_sample", false);
        kwargs.put("temperature", 0.0);
        return kwargs;
    }

    /** The first argument of the first request: what lm-eval's {@code prompt_hash} is taken over. */
    static String prompt(Request request) {
        return (String) arguments(request).get(0);
    }

    /** One answer as lm-eval's {@code sanitize_list} leaves it: every leaf is Python's {@code str} of it. */
    static Object answer(Request request, Response response) {
        if (request instanceof LoglikelihoodRequest) {
            return List.of(PythonJson.repr(response.loglikelihood()), PythonJson.str(response.greedy()));
        }
        if (request instanceof GenerateUntilRequest g) {
            return g.truncate(response.text() == null ? "" : response.text());
        }
        return PythonJson.repr(response.loglikelihood());
    }

    /** A per-document metric item: the value of a mean, (log-likelihood, weight) of a perplexity. */
    static Object value(Aggregation aggregation, MetricValue v) {
        if (aggregation == Aggregation.MEAN) {
            return v.value();
        }
        double w = v.weight();
        Object weight = w == Math.rint(w) && Math.abs(w) < 1e15 ? (Object) (long) w : (Object) w;
        return List.of(v.value(), weight);
    }
}
