package dev.plt.jobs.infer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.InvalidInputException;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code plt infer}: JSONL in, JSONL out, one output line per input line, in order. Input lines hold
 * {@code {"id", "input_ids": [...]}} or {@code {"id", "text": "..."}}, optionally
 * {@code "max_new_tokens"}. Output lines hold {@code id, input_ids, token_logprobs} (first entry
 * null), {@code output_ids} (greedy), {@code output_text}, or {@code id, error} for a bad line.
 * Rows run in batches; if a batch fails, its rows are retried one by one so only the bad row fails.
 */
public final class InferJob {
    private static final Logger LOG = LoggerFactory.getLogger(InferJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What happened: rows read and rows that got an error (with the first few messages). */
    public record Summary(int rows, int errors, List<String> firstErrors) {
    }

    private final PltModel model;
    private final int batchSize;

    public InferJob(PltModel model, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
    }

    public Summary run(BufferedReader in, Writer out) throws IOException {
        int rows = 0;
        int errors = 0;
        List<String> firstErrors = new ArrayList<>();
        List<InferRow> batch = new ArrayList<>();
        String text;
        int line = 0;
        long start = System.nanoTime();
        while (true) {
            text = in.readLine();
            if (text != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                batch.add(parse(line, text));
            }
            if (batch.size() == batchSize || (text == null && !batch.isEmpty())) {
                for (ObjectNode result : process(batch)) {
                    rows++;
                    if (result.has("error")) {
                        errors++;
                        if (firstErrors.size() < 5) {
                            firstErrors.add("line " + result.get("line").asInt() + ": " + result.get("error").asText());
                        }
                    }
                    result.remove("line");
                    out.write(JSON.writeValueAsString(result));
                    out.write('\n');
                }
                batch.clear();
                LOG.info("{} rows done ({} errors), {} rows/s", rows, errors,
                        String.format("%.1f", rows / ((System.nanoTime() - start) / 1e9)));
            }
            if (text == null) {
                break;
            }
        }
        out.flush();
        return new Summary(rows, errors, firstErrors);
    }

    private InferRow parse(int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return InferRow.failed(line, null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return InferRow.failed(line, null, "expected a JSON object");
        }
        JsonNode id = node.get("id");
        try {
            int maxNew = 0;
            JsonNode maxNode = node.get("max_new_tokens");
            if (maxNode != null && !maxNode.isNull()) {
                if (!maxNode.canConvertToInt() || !maxNode.isIntegralNumber() || maxNode.asInt() < 0) {
                    return InferRow.failed(line, id, "max_new_tokens must be an integer >= 0, got " + maxNode);
                }
                maxNew = maxNode.asInt();
            }
            JsonNode ids = node.get("input_ids");
            JsonNode textNode = node.get("text");
            int[] tokens;
            if (ids != null && !ids.isNull()) {
                tokens = tokenIds(ids);
            } else if (textNode != null && textNode.isTextual()) {
                tokens = model.requireTokenizer().encode(textNode.asText());
            } else {
                return InferRow.failed(line, id, "needs \"input_ids\" (a list of ints) or \"text\" (a string)");
            }
            model.validate(tokens);
            return new InferRow(line, id, tokens, maxNew, null);
        } catch (InvalidInputException e) {
            return InferRow.failed(line, id, e.getMessage());
        }
    }

    private static int[] tokenIds(JsonNode ids) {
        if (!ids.isArray()) {
            throw new InvalidInputException("input_ids must be a list of integers, got " + ids.getNodeType());
        }
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode v = ids.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new InvalidInputException("input_ids[" + i + "] is " + v + ", not an integer");
            }
            tokens[i] = v.asInt();
        }
        return tokens;
    }

    private List<ObjectNode> process(List<InferRow> batch) {
        List<InferRow> runnable = batch.stream().filter(r -> r.error() == null).toList();
        Map<InferRow, ObjectNode> done = new IdentityHashMap<>();
        try {
            done.putAll(compute(runnable));
        } catch (RuntimeException batchFailure) {
            LOG.warn("a batch of {} rows failed ({}); retrying its rows one by one", runnable.size(),
                    batchFailure.toString());
            for (InferRow row : runnable) {
                try {
                    done.putAll(compute(List.of(row)));
                } catch (RuntimeException e) {
                    done.put(row, errorNode(row, e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (InferRow row : batch) {
            out.add(row.error() != null ? errorNode(row, row.error()) : done.get(row));
        }
        return out;
    }

    private Map<InferRow, ObjectNode> compute(List<InferRow> rows) {
        Map<InferRow, ObjectNode> out = new IdentityHashMap<>();
        if (rows.isEmpty()) {
            return out;
        }
        List<TokenScores> scores = model.score(rows.stream().map(InferRow::inputIds).toList());
        Map<Integer, List<InferRow>> byLength = new LinkedHashMap<>();
        for (InferRow row : rows) {
            byLength.computeIfAbsent(row.maxNewTokens(), k -> new ArrayList<>()).add(row);
        }
        Map<InferRow, Generation> generations = new IdentityHashMap<>();
        for (Map.Entry<Integer, List<InferRow>> group : byLength.entrySet()) {
            List<Generation> generated = model.generate(group.getValue().stream().map(InferRow::inputIds).toList(),
                    GenerationParams.greedy(group.getKey()));
            for (int i = 0; i < generated.size(); i++) {
                generations.put(group.getValue().get(i), generated.get(i));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            InferRow row = rows.get(i);
            ObjectNode node = JSON.createObjectNode();
            node.put("line", row.line());
            node.set("id", row.id());
            ArrayNode ids = node.putArray("input_ids");
            for (int t : row.inputIds()) {
                ids.add(t);
            }
            ArrayNode logprobs = node.putArray("token_logprobs");
            double[] lp = scores.get(i).logprobs();
            logprobs.addNull();
            for (int t = 1; t < lp.length; t++) {
                logprobs.add(lp[t]);
            }
            Generation generation = generations.get(row);
            ArrayNode outputIds = node.putArray("output_ids");
            for (int t : generation.tokens()) {
                outputIds.add(t);
            }
            node.put("output_text", generation.text());
            out.put(row, node);
        }
        return out;
    }

    private static ObjectNode errorNode(InferRow row, String error) {
        ObjectNode node = JSON.createObjectNode();
        node.put("line", row.line());
        node.set("id", row.id());
        node.put("error", error);
        return node;
    }
}
