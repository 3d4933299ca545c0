package dev.plt.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: seeded initialisation, AdamW with warm-up + cosine schedule and global-norm
 * clipping, progress lines every {@code log_every} steps, periodic validation, and export of the
 * result as a checkpoint directory the engine loads.
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

        long start = System.nanoTime();
        long intervalStart = start;
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
                double val = Evaluator.meanLoss(manager, forward, quickValidation);
                LOG.info(String.format("step %d val loss %.4f (%.3f bits/token, %d batches)", step, val,
                        val / Math.log(2), quickValidation.size()));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double valLoss = validation.isEmpty() ? Double.NaN : Evaluator.meanLoss(manager, forward, validation);
        Path out = CheckpointExporter.export(Path.of(conf.output()), arch, params);
        TrainResult result = new TrainResult(params.count(), t.steps(), initialLoss, lastIntervalLoss, valLoss,
                seconds, tokens / seconds, out);
        LOG.info(String.format("done: %d steps in %.0fs (%.0f tokens/s); loss %.4f -> %.4f; val loss %.4f"
                        + " (%.4f bits/token over the whole held-out split); wrote %s", result.steps(), seconds,
                result.tokensPerSecond(), initialLoss, lastIntervalLoss, valLoss, result.valBitsPerToken(), out));
        return result;
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
