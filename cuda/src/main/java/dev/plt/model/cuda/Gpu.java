package dev.plt.model.cuda;

import java.nio.ByteBuffer;

/**
 * The device operations the CUDA path is written against: memory, copies, kernel launches and the one
 * cuBLAS call. {@link DriverGpu} implements them with the CUDA driver API and cuBLAS (through
 * JavaCPP); the tests implement them with a recorder whose log is replayed on CPU threads against the
 * same kernel sources. Addresses are plain device addresses ({@code CUdeviceptr}); every operation is
 * ordered after the ones before it (one stream).
 */
public interface Gpu extends AutoCloseable {
    /** Allocates {@code bytes} of device memory, contents undefined. */
    long allocate(long bytes);

    /** Frees an allocation; waits for queued work first, since that work may still use it. */
    void free(long address);

    /** Copies {@code src.position() .. src.limit()} to {@code dst}. */
    void upload(long dst, ByteBuffer src);

    /** Fills {@code dst.position() .. dst.limit()} from {@code src}, waiting for queued work. */
    void download(long src, ByteBuffer dst);

    void copy(long dst, long src, long bytes);

    void zero(long dst, long bytes);

    void launch(KernelLaunch launch);

    void gemm(CublasGemm gemm);

    /** Makes this device current for the calling thread (CUDA contexts are per thread). */
    void bindToCurrentThread();

    /** A one-line description for logs, e.g. "NVIDIA H200 (sm_90, 139 GiB)". */
    String description();

    @Override
    void close();
}
