package dev.plt.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.plt.trainer.data.AnswerProbe;
import dev.plt.trainer.data.Batch;
import dev.plt.trainer.data.TrainingData;
import dev.plt.trainer.export.CheckpointExporter;
import dev.plt.trainer.model.CausalLmLoss;
import dev.plt.trainer.model.ParameterInit;
import dev.plt.trainer.model.PltArchitecture;
import dev.plt.trainer.model.PltForward;
import dev.plt.trainer.model.PltParameters;
import dev.plt.trainer.optim.AdamW;
import dev.plt.trainer.optim.LearningRateSchedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: seeded initialisation, AdamW with warm-up + cosine schedule and global-norm
 * clipping, progress lines every {@code log_every} steps, periodic validation, and export of the
 * result as a checkpoint directory the engine loads. The output directory also gets the run's record
 * ({@link RunRecord}): the learning curve (validation loss, and answer accuracy per group for data that
 * has answers) at every evaluation, and the final figures with the conf that produced them.
 *
 * <p>Each step's temporaries (activations, the autograd graph, gradient views) live in an
 * {@code NDScope} closed at the end of the step; only parameters and optimizer moments persist.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainConfig conf;

    public Trainer(TrainConfig conf) {
        this.conf = conf;
    }

    public TrainResult run() {
        TrainConfig.Training t = conf.training();
        if (t.threads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // Read by DJL when the PyTorch engine starts, so it must be set before the first NDManager.
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(t.threads()));
        }
        TrainingData data = conf.data().open();
        LOG.info("data: {}", data.describe());
        PltArchitecture arch = conf.model();
        try (NDManager manager = NDManager.newBaseManager();
                PltParameters params = PltParameters.create(manager, arch, ParameterInit.TRAINING, t.seed())) {
            LOG.info("model: {} loops ({}), {} layers, d={}, {} parameters ({} MB as f32); engine {}",
                    arch.loops(), arch.loops() > 1 ? arch.loopMode() + describeSharing(arch) : "non-loop",
                    arch.numLayers(), arch.hiddenSize(), params.count(), String.format("%.2f", params.count() * 4e-6),
                    Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            return train(manager, arch, params, data, t);
        }
    }

    private TrainResult train(NDManager manager, PltArchitecture arch, PltParameters params, TrainingData data,
            TrainConfig.Training t) {
        PltForward forward = new PltForward(arch, params);
        AdamW optimizer = new AdamW(manager, params.all(), t.beta1(), t.beta2(), 1e-8, t.weightDecay());
        LearningRateSchedule schedule = new LearningRateSchedule(t.lr(), t.minLr(), t.warmupSteps(), t.steps());
        Random random = new Random(t.seed());
        List<Batch> validation = data.validation(t.batch(), t.seqLen());
        List<Batch> quickValidation = validation.subList(0, Math.min(t.evalBatches(), validation.size()));
        AnswerProbe probe = data instanceof AnswerProbe p ? p : null;
        List<AnswerProbe.ProbeBatch> probeBatches = probe == null ? List.of() : probe.probeBatches(t.batch(), t.seqLen());
        RunRecord record = new RunRecord(Path.of(conf.output()));

        long start = System.nanoTime();
        long intervalStart = start;
        long evalNanos = 0;
        double intervalLoss = 0;
        int intervalSteps = 0;
        double initialLoss = Double.NaN;
        double lastIntervalLoss = Double.NaN;
        long tokens = 0;
        for (int step = 1; step <= t.steps(); step++) {
            Batch batch = data.sample(random, t.batch(), t.seqLen());
            double lr = schedule.at(step);
            double loss;
            double gradNorm;
            try (NDScope scope = new NDScope()) {
                Shape shape = new Shape(batch.rows(), batch.length());
                NDArray inputs = manager.create(batch.inputs(), shape);
                NDArray targets = manager.create(batch.targets(), shape);
                NDArray weights = manager.create(batch.weights(), shape);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray lossArray = CausalLmLoss.of(forward.logits(inputs), targets, weights);
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("loss is " + loss + " at step " + step + "; lower lr");
                }
                gradNorm = AdamW.gradientNorm(params.all());
                double clipScale = t.gradClip() > 0 && gradNorm > t.gradClip() ? t.gradClip() / gradNorm : 1.0;
                optimizer.step(params.all(), lr, clipScale);
            }
            if (step == 1) {
                initialLoss = loss;
            }
            tokens += (long) batch.rows() * batch.length();
            intervalLoss += loss;
            intervalSteps++;
            if (step % t.logEvery() == 0 || step == t.steps()) {
                long now = System.nanoTime();
                double seconds = (now - intervalStart) / 1e9;
                lastIntervalLoss = intervalLoss / intervalSteps;
                LOG.info(String.format("step %d/%d loss %.4f lr %.2e grad-norm %.3f tokens/s %.0f elapsed %.0fs",
                        step, t.steps(), lastIntervalLoss, lr, gradNorm,
                        (double) intervalSteps * batch.rows() * batch.length() / seconds, (now - start) / 1e9));
                intervalStart = now;
                intervalLoss = 0;
                intervalSteps = 0;
            }
            if (t.evalEvery() > 0 && step % t.evalEvery() == 0 && step < t.steps() && !quickValidation.isEmpty()) {
                long evalStart = System.nanoTime();
                double val = Evaluator.meanLoss(manager, forward, quickValidation);
                Map<String, Double> accuracy = probe == null ? Map.of()
                        : AnswerAccuracy.of(manager, forward, probe, probeBatches);
                evalNanos += System.nanoTime() - evalStart;
                LOG.info(String.format("step %d val loss %.4f (%.3f bits/token, %d batches)%s", step, val,
                        val / Math.log(2), quickValidation.size(), describe(accuracy)));
                record.appendCurvePoint(curvePoint(step, start, evalNanos, lastIntervalLoss, val, accuracy));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double valLoss = validation.isEmpty() ? Double.NaN : Evaluator.meanLoss(manager, forward, validation);
        Map<String, Double> accuracy = probe == null ? Map.of() : AnswerAccuracy.of(manager, forward, probe, probeBatches);
        if (!validation.isEmpty()) {
            record.appendCurvePoint(curvePoint(t.steps(), start, evalNanos, lastIntervalLoss, valLoss, accuracy));
        }
        Path out = CheckpointExporter.export(Path.of(conf.output()), arch, params);
        TrainResult result = new TrainResult(params.count(), t.steps(), initialLoss, lastIntervalLoss, valLoss,
                seconds, tokens / seconds, out);
        record.writeResult(resultRecord(result, seconds - evalNanos / 1e9, accuracy));
        LOG.info(String.format("done: %d steps in %.0fs (%.0f tokens/s, %.4f s/step without evaluations); loss %.4f"
                        + " -> %.4f; val loss %.4f (%.4f bits/token over the whole held-out split)%s; wrote %s",
                result.steps(), seconds, result.tokensPerSecond(), (seconds - evalNanos / 1e9) / t.steps(), initialLoss,
                lastIntervalLoss, valLoss, result.valBitsPerToken(), describe(accuracy), out));
        return result;
    }

    private static String describe(Map<String, Double> accuracy) {
        StringBuilder s = new StringBuilder();
        accuracy.forEach((group, acc) -> s.append(String.format(" acc %s %.3f", group, acc)));
        return s.length() == 0 ? "" : ";" + s;
    }

    private static Map<String, Object> curvePoint(int step, long start, long evalNanos, double trainLoss,
            double valLoss, Map<String, Double> accuracy) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("step", step);
        point.put("seconds", round((System.nanoTime() - start) / 1e9));
        point.put("train_seconds", round((System.nanoTime() - start - evalNanos) / 1e9));
        point.put("train_loss", finite(trainLoss));
        point.put("val_loss", finite(valLoss));
        if (!accuracy.isEmpty()) {
            point.put("accuracy", finite(accuracy));
        }
        return point;
    }

    private Map<String, Object> resultRecord(TrainResult result, double trainSeconds, Map<String, Double> accuracy) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("parameters", result.parameters());
        r.put("steps", result.steps());
        r.put("seed", conf.training().seed());
        r.put("seconds", round(result.seconds()));
        r.put("train_seconds", round(trainSeconds));
        r.put("seconds_per_step", Math.round(trainSeconds / result.steps() * 1e5) / 1e5);
        r.put("initial_loss", finite(result.initialLoss()));
        r.put("final_train_loss", finite(result.finalTrainLoss()));
        r.put("val_loss", finite(result.valLoss()));
        r.put("val_bits_per_token", finite(result.valBitsPerToken()));
        if (!accuracy.isEmpty()) {
            r.put("accuracy", finite(accuracy));
        }
        r.put("conf", conf);
        return r;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    /** JSON has no NaN: a missing figure is null. */
    private static Double finite(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : null;
    }

    private static Map<String, Double> finite(Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, finite(v)));
        return out;
    }

    private static String describeSharing(PltArchitecture arch) {
        if (!arch.isParallel()) {
            return "";
        }
        if (!arch.kvShare()) {
            return ", CLP only";
        }
        return arch.gswa() ? ", kv-share + G-SWA w=" + arch.window()
                + (arch.gateUsesHiddenStates() ? " hidden-state gate" : " query gate") : ", kv-share only";
    }
}
