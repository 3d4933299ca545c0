package dev.plt.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a multiple-choice task's samples as training data: one {@code {"prompt", "answer"}} line per
 * sample, the answer being the gold continuation exactly as evaluation scores it (leading space
 * included). With {@code --task-option split=train} this is how the multihop models are trained on the
 * very problems the evaluation generates, from a split disjoint from the test split.
 */
@Command(name = "task-data", mixinStandardHelpOptions = true,
        description = "Writes a multiple-choice task's samples as prompt/answer JSONL (training data for plt-train).")
public final class TaskDataCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    TaskSelection taskSelection;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "JSONL file to write.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing output file.")
    boolean overwrite;

    @Option(names = "--shuffle-seed", paramLabel = "N", description = "Shuffle the lines with this seed "
            + "(training wants depths mixed). Default: the task's order.")
    Long shuffleSeed;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output " + output + " already exists (use --overwrite to replace it)");
        }
        Task task = taskSelection.createTask();
        List<String> lines = new ArrayList<>();
        for (Sample sample : task.samples()) {
            lines.add(line(sample));
        }
        if (shuffleSeed != null) {
            Collections.shuffle(lines, new Random(shuffleSeed));
        }
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                writer.write(line);
                writer.write('\n');
            }
        }
        System.err.println("plt task-data: wrote " + lines.size() + " lines to " + output);
        return 0;
    }

    private String line(Sample sample) throws Exception {
        if (sample.choices().isEmpty()
                || !(sample.requests().get(sample.gold()) instanceof LoglikelihoodRequest gold)) {
            throw new IllegalArgumentException("--task " + taskSelection.taskName()
                    + ": task-data writes multiple-choice tasks only (sample " + sample.id() + " has no gold choice)");
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("prompt", gold.context());
        row.put("answer", gold.continuation());
        return JSON.writeValueAsString(row);
    }
}
