package dev.plt.model.cuda;

/** A CUDA driver or cuBLAS call failed while the backend was running; the message names the call and error. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }
}
