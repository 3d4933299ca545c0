package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPathProviders;
import dev.plt.model.weights.ModelWeights;
import java.util.Locale;

/**
 * The entry point of {@code --backend cuda}: says whether a GPU can be used here and opens a
 * {@link CudaPath} on it. Nothing here links against the CUDA bindings: the classes that do
 * ({@link CudaDriver}, {@link DriverGpu}) are reached only inside guards, so on a machine without the
 * bindings, the CUDA libraries, a driver or a GPU, {@link #availability()} returns the reason and
 * {@link #open} throws a {@link CudaUnavailableException} whose message is that reason, in one line.
 *
 * <p>The device is number 0, or the one named by the system property {@code plt.cuda.device} (note that
 * CUDA_VISIBLE_DEVICES renumbers devices).
 */
public final class CudaBackend {
    public static final String NAME = "cuda";

    private static CudaAvailability cached;

    private CudaBackend() {
    }

    /**
     * Whether {@code backend} (an EngineOptions backend value) asks for this backend: {@code cuda}
     * (device from {@code plt.cuda.device}, default 0) or {@code cuda:N} (device N, as Spark assigns
     * one GPU per task).
     */
    public static boolean isRequested(String backend) {
        return ForwardPathProviders.namesCuda(backend);
    }

    /** The device a backend value names: N for {@code cuda:N}, else {@code plt.cuda.device} (default 0). */
    public static int deviceOf(String backend) {
        String b = backend.trim().toLowerCase(Locale.ROOT);
        if (!b.startsWith(NAME + ":")) {
            return deviceOrdinal();
        }
        try {
            int ordinal = Integer.parseInt(b.substring(NAME.length() + 1));
            if (ordinal >= 0) {
                return ordinal;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CudaUnavailableException("backend '" + backend + "': expected cuda or cuda:N with a device number N >= 0");
    }

    /** Checked once per JVM (loading native libraries cannot be undone or retried); never throws. */
    public static synchronized CudaAvailability availability() {
        if (cached == null) {
            cached = check();
        }
        return cached;
    }

    private static CudaAvailability check() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return CudaAvailability.unavailable("the CUDA backend runs on linux-x86_64 only (this is " + os + "-"
                    + arch + ")");
        }
        if (KernelImage.fatbin().isEmpty()) {
            return CudaAvailability.unavailable("this build has no CUDA kernels: it was built where nvcc was not "
                    + "found (cuda/pom.xml, execution cuda-kernels)");
        }
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", false, CudaBackend.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return CudaAvailability.unavailable(
                    "the JavaCPP CUDA bindings (org.bytedeco:cuda) are not on the classpath");
        }
        try {
            return CudaDriver.probe(deviceOrdinal());
        } catch (Throwable t) { // whatever the native side throws, the answer is a reason
            return CudaAvailability.unavailable(NativeLoadFailure.describe(t));
        }
    }

    static int deviceOrdinal() {
        String value = System.getProperty("plt.cuda.device", "0").trim();
        try {
            int ordinal = Integer.parseInt(value);
            if (ordinal < 0) {
                throw new NumberFormatException();
            }
            return ordinal;
        } catch (NumberFormatException e) {
            throw new CudaUnavailableException("plt.cuda.device must be a device number >= 0, got '" + value + "'");
        }
    }

    /** Throws {@link CudaUnavailableException} with the reason unless the backend can run here. */
    public static CudaAvailability require() {
        CudaAvailability availability = availability();
        if (!availability.available()) {
            throw new CudaUnavailableException(availability.reason());
        }
        return availability;
    }

    /** Opens the device and uploads the weights: the path {@code --backend cuda} runs on. */
    public static CudaPath open(ModelConfig config, ModelWeights weights, int prefillChunk) {
        return open(config, weights, prefillChunk, deviceOrdinal());
    }

    /** Opens device {@code ordinal} and uploads the weights. */
    public static CudaPath open(ModelConfig config, ModelWeights weights, int prefillChunk, int ordinal) {
        require();
        byte[] image = KernelImage.fatbin().orElseThrow();
        Gpu gpu = new DriverGpu(ordinal, image, DeviceKernels.ALL);
        try {
            return new CudaPath(config, weights, gpu, prefillChunk);
        } catch (RuntimeException | Error e) {
            gpu.close();
            throw e;
        }
    }
}
