package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LmEvalKey;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleScorer;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.MetricValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's {@code samples_<task>_<timestamp>.jsonl}: one JSON object a line per evaluated document and
 * filter, as lm-eval's evaluator logs them: for each of the task's filters in its order, every document in
 * document order (GSM8K: all {@code strict-match} lines, then all {@code flexible-extract} lines), with
 * lm-eval's fields (see {@link LmEvalResults} for the version followed):
 * <ul>
 *   <li>{@code doc_id}: the document's index in its (sub)task, from 0;</li>
 *   <li>{@code doc}: the document's source fields ({@link Sample#doc()}: plt's, all strings, not the
 *       Hugging Face row lm-eval would hold);</li>
 *   <li>{@code target}: as lm-eval's {@code doc_to_target}: the gold choice's index (an integer) for
 *       multiple choice, the reference answer for generation (for GSM8K the whole solution, which
 *       exact_match reduces to its number), the document for perplexity; null where the data has none;</li>
 *   <li>{@code arguments}: each request's arguments as {@code {"gen_args_<i>": {"arg_<j>": ...}}}: (context,
 *       continuation) for log-likelihood, (context, generation settings) for generation, (document) for
 *       rolling log-likelihood;</li>
 *   <li>{@code resps}: per request, the list of its answers (one: no repeats), each as Python prints it:
 *       {@code ["-4.25", "False"]} (log-likelihood, greedy), {@code "text"} or {@code "-123.5"};
 *       generated text is cut at the first stop string, as lm-eval's models return it;</li>
 *   <li>{@code filtered_resps}: per request, the answer after this line's filter: lm-eval's {@code "none"}
 *       (take the first answer) unless the task declares its own ({@link SampleScorer#filters()}: GSM8K's
 *       regex filters, whose answer is a string, {@code "[invalid]"} when nothing matched);</li>
 *   <li>{@code filter}, {@code metrics}: the filter's name and lm-eval's names of the metrics computed on
 *       its answers ({@link SampleScorer#lmEvalKey}: GSM8K's {@code exact_match});</li>
 *   <li>{@code doc_hash}, {@code prompt_hash}, {@code target_hash}: {@code hash_string} (SHA-256 hex of
 *       UTF-8) of {@code json.dumps(doc, indent=2, ensure_ascii=False)}, of the first request's first
 *       argument (the prompt), and of {@code str(target)} ({@code "None"} for null);</li>
 *   <li>each of those metrics' value by name: a number for a mean (0.0 or 1.0 for accuracies), a pair
 *       {@code [log-likelihood, words or bytes]} for the perplexities, as lm-eval's per-document items.</li>
 * </ul>
 * plt adds {@code sample_id} (the key of the {@code samples/} table) and, for a sample that failed,
 * {@code error} and {@code error_kind}; such a line has empty {@code resps} and no metric values.
 */
public final class LmEvalSamples {
    /** lm-eval's Hugging Face model's {@code max_gen_toks} when a task's generation_kwargs set none. */
    static final int DEFAULT_MAX_GEN_TOKENS = 256;

    private LmEvalSamples() {
    }

    /**
     * The lines of one (sub)task's file: per filter, {@code doc_id} counting from 0 in the order given.
     */
    public static List<Map<String, Object>> lines(Task task, List<SampleOutcome> outcomes) {
        List<String> filters = task.scorer().filters();
        List<Map<String, Object>> lines = new ArrayList<>(outcomes.size() * filters.size());
        for (String filter : filters) {
            for (int i = 0; i < outcomes.size(); i++) {
                lines.add(line(task, filter, i, outcomes.get(i)));
            }
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

    static Map<String, Object> line(Task task, String filter, int docId, SampleOutcome outcome) {
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
            filtered.add(filter.equals(LmEvalKey.NO_FILTER) ? answer
                    : task.scorer().filtered(filter, sample, outcome.responses().get(i).text()));
        }
        List<String> metricNames = new ArrayList<>();
        Map<String, Object> metricValues = new LinkedHashMap<>();
        if (outcome.score() != null) {
            for (Map.Entry<String, Aggregation> m : task.metrics().entrySet()) {
                LmEvalKey key = task.scorer().lmEvalKey(m.getKey());
                MetricValue v = outcome.score().metrics().get(m.getKey());
                if (v != null && key.filter().equals(filter)) {
                    metricNames.add(key.metric());
                    metricValues.put(key.metric(), value(m.getValue(), v));
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
        line.put("filter", filter);
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

    /**
     * The generation settings as lm-eval's task yaml gives them ({@code generation_kwargs}: until, greedy, so
     * temperature 0). {@code max_gen_toks} only when it is not {@value #DEFAULT_MAX_GEN_TOKS}: lm-eval's
     * gsm8k.yaml sets none and its model takes that default, so lm-eval's own arguments do not show it.
     */
    static Map<String, Object> generationKwargs(GenerateUntilRequest g) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("until", g.until());
        kwargs.put("do_sample", false);
        kwargs.put("temperature", 0.0);
        if (g.maxGenTokens() != DEFAULT_MAX_GEN_TOKENS) {
            kwargs.put("max_gen_toks", g.maxGenTokens());
        }
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
