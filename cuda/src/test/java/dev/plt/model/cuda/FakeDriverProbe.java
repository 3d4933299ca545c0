package dev.plt.model.cuda;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Run by FakeDriverTest in a JVM that loads the stand-in driver: drives {@link DriverGpu} directly through
 * what GpuCheck does not reach — the error paths (a driver error and a cuBLAS error must come back as one
 * CudaException naming the call and the error) and use from a second thread. Prints one line per check.
 */
public final class FakeDriverProbe {
    private FakeDriverProbe() {
    }

    public static void main(String[] args) throws Exception {
        CudaBackend.require();
        try (DriverGpu gpu = new DriverGpu(0, KernelImage.fatbin().orElseThrow(), DeviceKernels.ALL)) {
            try {
                gpu.allocate(1L << 50);
                System.out.println("allocation: no error");
            } catch (CudaException e) {
                System.out.println("allocation: " + e.getMessage());
            }
            try {
                gpu.gemm(new CublasGemm(GemmMapping.OP_T, GemmMapping.OP_N, 8, 1, 8, 1f, 0, GemmMapping.R_16BF, 1, 0,
                        GemmMapping.R_16BF, 8, 0f, 0, GemmMapping.R_32F, 8));
                System.out.println("gemm: no error");
            } catch (CudaException e) {
                System.out.println("gemm: " + e.getMessage());
            }
            long address = gpu.allocate(16);
            Thread other = new Thread(() -> {
                gpu.bindToCurrentThread();
                gpu.upload(address, HostBuffers.ints(new int[] {7, 8, 9, 10}));
            });
            other.start();
            other.join();
            ByteBuffer back = HostBuffers.allocate(16);
            gpu.download(address, back);
            System.out.println("second thread: " + List.of(back.getInt(0), back.getInt(4), back.getInt(8), back.getInt(12)));
            gpu.free(address);
            System.out.println("allocated after free: " + gpu.allocatedBytes());
        }
    }
}
