package dev.plt.model.cuda;

/**
 * Whether the CUDA backend can run here, and if not, why, in words a user can act on.
 *
 * @param reason empty when available; otherwise one line such as "no CUDA driver (libcuda.so.1 not found)"
 * @param device the device that would be used, e.g. "NVIDIA H200 (sm_90, 139 GiB)", when one was found
 */
public record CudaAvailability(boolean available, String reason, String device) {
    static CudaAvailability unavailable(String reason) {
        return new CudaAvailability(false, reason, "");
    }

    static CudaAvailability on(String device) {
        return new CudaAvailability(true, "", device);
    }

    @Override
    public String toString() {
        return available ? "CUDA available: " + device : "CUDA unavailable: " + reason;
    }
}
