package dev.plt.model.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_ERROR_NO_DEVICE;
import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetCount;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cuDeviceTotalMem;
import static org.bytedeco.cuda.global.cudart.cuDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuInit;

import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Finding a usable GPU through the CUDA driver API (JavaCPP). This class and {@link DriverGpu} are the
 * only ones that touch org.bytedeco, and they are only loaded from inside {@link CudaBackend}'s guards,
 * so a machine without the bindings, the libraries or a driver gets a reason, never a linkage error.
 */
final class CudaDriver {
    /** The kernels are built for sm_90 (and compute_90 PTX, which newer GPUs can compile). */
    static final int MIN_COMPUTE_MAJOR = 9;

    private CudaDriver() {
    }

    /** Loads the bindings (and through them libcuda, libcudart, libcublas) and checks device {@code ordinal}. */
    static CudaAvailability probe(int ordinal) {
        try {
            Loader.load(cudart.class);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            return CudaAvailability.unavailable(NativeLoadFailure.describe(t));
        }
        int init = cuInit(0);
        if (init == CUDA_ERROR_NO_DEVICE) {
            return CudaAvailability.unavailable("no GPU device (the CUDA driver found none)");
        }
        if (init != CUDA_SUCCESS) {
            return CudaAvailability.unavailable("the CUDA driver failed to start: " + errorName(init));
        }
        int[] count = new int[1];
        int status = cuDeviceGetCount(count);
        if (status != CUDA_SUCCESS || count[0] == 0) {
            return CudaAvailability.unavailable("no GPU device");
        }
        if (ordinal >= count[0]) {
            return CudaAvailability.unavailable("no GPU device " + ordinal + " (" + count[0] + " found)");
        }
        int[] device = new int[1];
        if (cuDeviceGet(device, ordinal) != CUDA_SUCCESS) {
            return CudaAvailability.unavailable("cannot open GPU device " + ordinal);
        }
        int major = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device[0]);
        int minor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device[0]);
        String description = describe(device[0], major, minor);
        if (major < MIN_COMPUTE_MAJOR) {
            return CudaAvailability.unavailable(description + " is older than the kernels' target: compute "
                    + "capability " + MIN_COMPUTE_MAJOR + ".0 or newer is needed");
        }
        try {
            Loader.load(cublas.class);
        } catch (Throwable t) {
            return CudaAvailability.unavailable(NativeLoadFailure.describe(t));
        }
        return CudaAvailability.on(description);
    }

    static int attribute(int which, int device) {
        int[] value = new int[1];
        cuDeviceGetAttribute(value, which, device);
        return value[0];
    }

    /** "NVIDIA H200 (sm_90, 139 GiB, driver CUDA 13.0)". */
    static String describe(int device, int major, int minor) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        long memory;
        try (SizeTPointer bytes = new SizeTPointer(1)) {
            cuDeviceTotalMem(bytes, device);
            memory = bytes.get(0);
        }
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        return new String(name, 0, end, StandardCharsets.US_ASCII) + " (sm_" + major + minor + ", "
                + (memory >> 30) + " GiB, driver CUDA " + driver[0] / 1000 + "." + driver[0] % 1000 / 10 + ")";
    }

    /** "CUDA_ERROR_NO_DEVICE (100)". */
    static String errorName(int code) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            if (cuGetErrorName(code, name) == CUDA_SUCCESS && name.get(0) != null) {
                return name.get(BytePointer.class, 0).getString() + " (" + code + ")";
            }
        }
        return "CUDA error " + code;
    }
}
