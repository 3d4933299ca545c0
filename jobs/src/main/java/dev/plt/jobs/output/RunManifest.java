package dev.plt.jobs.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * {@code _plt_run.json} in a score/generate output directory: the settings that decide the output's
 * values (the model's fingerprint, the job and every transformer param that is not merely
 * operational) and the output format, the hash of the former, which is also mixed into every row id,
 * and one record per run that wrote into the directory. A resume compares its own settings with
 * these and refuses to mix outputs of different settings. Spark and pyarrow skip files whose names
 * start with '_' when they read the directory.
 */
public record RunManifest(SortedMap<String, String> settings) {
    public static final String FILE = "_plt_run.json";

    /**
     * Params that change speed or memory, never a row's values (results are bitwise identical whatever
     * the micro-batching, thread count or partitioning): a resume may change them. The model path is
     * replaced by the model's fingerprint. The KV budget decides only which rows are refused as too
     * long; a resume keeps the rows already committed, errors included.
     */
    static final Set<String> OPERATIONAL_PARAMS = Set.of("modelPath", "batchSize", "maxBatchTokens", "sortWindow",
            "threads", "kvBudget");

    /** Checked on resume (a directory holds one format) but not hashed: it changes files, not values. */
    static final String OUTPUT_FORMAT = "output_format";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunManifest {
        settings = new TreeMap<>(settings);
    }

    /** The settings of a job about to run with this transformer (whose params are all set already). */
    public static RunManifest of(String job, String modelFingerprint, String outputFormat, Params transformer) {
        SortedMap<String, String> settings = new TreeMap<>();
        settings.put("job", job);
        settings.put("model_fingerprint", modelFingerprint);
        settings.put(OUTPUT_FORMAT, outputFormat);
        for (Param<?> param : transformer.params()) {
            if (!OPERATIONAL_PARAMS.contains(param.name()) && transformer.isDefined(param)) {
                settings.put("param." + param.name(), encode(transformer, param));
            }
        }
        return new RunManifest(settings);
    }

    @SuppressWarnings("unchecked")
    private static String encode(Params transformer, Param<?> param) {
        Param<Object> p = (Param<Object>) param;
        return p.jsonEncode(transformer.getOrDefault(p));
    }

    /** SHA-256 (hex) of the settings but the output format, one {@code key=value} line each in key order. */
    public String hash() {
        StringBuilder canonical = new StringBuilder();
        settings.forEach((k, v) -> {
            if (!k.equals(OUTPUT_FORMAT)) {
                canonical.append(k).append('=').append(v).append('\n');
            }
        });
        return HexFormat.of().formatHex(ModelFingerprint.sha256().digest(
                canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** "key: committed -> now" for every setting that differs, in key order. */
    public List<String> differences(RunManifest committed) {
        List<String> out = new ArrayList<>();
        TreeMap<String, String> keys = new TreeMap<>(committed.settings);
        keys.putAll(settings);
        for (String key : keys.keySet()) {
            String before = committed.settings.get(key);
            String now = settings.get(key);
            if (before == null || !before.equals(now)) {
                out.add(key + ": " + (before == null ? "(unset)" : before) + " -> " + (now == null ? "(unset)" : now));
            }
        }
        return out;
    }

    /** The manifest of an output directory, if it has one. */
    public static Optional<RunManifest> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode settings = JSON.readTree(file.toFile()).path("settings");
            SortedMap<String, String> map = new TreeMap<>();
            settings.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new RunManifest(map));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not a readable run manifest (" + e.getMessage() + ")", e);
        }
    }

    /** Writes a new manifest (no runs yet) into {@code dir}. */
    public void write(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("settings_hash", hash());
        root.set("settings", JSON.valueToTree(settings));
        root.putArray("runs");
        replace(dir.resolve(FILE), root);
    }

    /** Appends one run's record (rows, errors, batch plan, ...) to the manifest in {@code dir}. */
    public static void recordRun(Path dir, Map<String, Object> run) {
        Path file = dir.resolve(FILE);
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
            JsonNode runs = root.path("runs");
            ArrayNode list = runs.isArray() ? (ArrayNode) runs : root.putArray("runs");
            list.add(JSON.valueToTree(run));
            replace(file, root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    /** The run records of an output directory, oldest first. */
    public static List<JsonNode> runs(Path dir) {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(dir.resolve(FILE).toFile()).path("runs").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Written to a temporary name and renamed: a job killed meanwhile leaves the old file or the new one. */
    private static void replace(Path file, JsonNode content) {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            JSON.writeValue(temp.toFile(), content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
