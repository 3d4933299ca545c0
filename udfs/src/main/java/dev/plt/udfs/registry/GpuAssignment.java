package dev.plt.udfs.registry;

import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * One GPU per task: with {@code spark.task.resource.gpu.amount=1} Spark hands each task a GPU
 * address in {@code TaskContext.resources()}; a task asking for the {@code cuda} backend then runs on
 * {@code cuda:ADDRESS}. The address is part of the model key, so an executor with several GPUs keeps
 * one engine per GPU, each loaded once.
 */
public final class GpuAssignment {
    private GpuAssignment() {
    }

    /** The key this task should use: {@code key} itself unless it asks for cuda and Spark gave a GPU. */
    public static ModelKey resolve(ModelKey key, Map<String, ResourceInformation> taskResources) {
        if (!key.backend().trim().equalsIgnoreCase("cuda") || taskResources == null) {
            return key;
        }
        ResourceInformation gpus = taskResources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return key;
        }
        return new ModelKey(key.modelPath(), key.engineOptions().withBackend("cuda:" + gpus.addresses()[0].trim()));
    }
}
