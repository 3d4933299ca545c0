package dev.plt.model.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F;
import static org.bytedeco.cuda.global.cublas.CUBLAS_GEMM_DEFAULT;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGemmEx;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN;
import static org.bytedeco.cuda.global.cudart.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
import static org.bytedeco.cuda.global.cudart.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSynchronize;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRelease;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuFuncGetAttribute;
import static org.bytedeco.cuda.global.cudart.cuFuncSetAttribute;
import static org.bytedeco.cuda.global.cudart.cuInit;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoD;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoH;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoD;
import static org.bytedeco.cuda.global.cudart.cuMemsetD8;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * {@link Gpu} on a real device: the CUDA driver API for memory, copies and launches (kernels loaded from
 * the packaged fatbin with cuModuleLoadData), cuBLAS's GemmEx for projections. Everything goes to the
 * legacy default stream, so operations run in the order they are issued and a synchronous copy back
 * waits for all of them. NOT RUN ON A GPU YET: written against the JavaCPP 1.5.13 / CUDA 13.1 bindings'
 * signatures and compiled, but scripts/gpu-check.sh is its first real test.
 */
final class DriverGpu implements Gpu {
    private final int device;
    private final CUctx_st context = new CUctx_st();
    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final Map<String, Integer> dynamicSharedLimit = new HashMap<>();
    private final cublasContext blas = new cublasContext();
    /** Launch arguments: 8 bytes per argument, and the table of their addresses cuLaunchKernel reads. */
    private final LongPointer argumentValues = new LongPointer(KernelArgs.MAX_ARGS);
    private final LongPointer argumentAddresses = new LongPointer(KernelArgs.MAX_ARGS);
    /**
     * The same table as the {@code void**} cuLaunchKernel takes. It must go through the PointerPointer
     * overload: the binding's plain-Pointer overload of a {@code void**} parameter passes the address OF the
     * pointer (by-pointer-pointer), which hands the driver a garbage table (found by FakeDriverTest).
     */
    private final PointerPointer<Pointer> argumentTable = new PointerPointer<>(argumentAddresses);
    private final FloatPointer alpha = new FloatPointer(1);
    private final FloatPointer beta = new FloatPointer(1);
    private final Map<Long, Long> allocations = new LinkedHashMap<>();
    private final String description;
    private boolean closed;

    /** Opens device {@code ordinal}: its primary context, the kernel module, a cuBLAS handle. */
    DriverGpu(int ordinal, byte[] kernelImage, List<String> kernelNames) {
        check(cuInit(0), "cuInit");
        int[] dev = new int[1];
        check(cuDeviceGet(dev, ordinal), "cuDeviceGet");
        device = dev[0];
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        try (BytePointer image = new BytePointer(kernelImage)) {
            check(cuModuleLoadData(module, image), "cuModuleLoadData(plt_kernels.fatbin)");
        }
        int optIn = CudaDriver.attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
        for (String name : kernelNames) {
            CUfunc_st function = new CUfunc_st();
            check(cuModuleGetFunction(function, module, name), "cuModuleGetFunction(" + name + ")");
            functions.put(name, function);
            int[] staticShared = new int[1];
            check(cuFuncGetAttribute(staticShared, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, function),
                    "cuFuncGetAttribute");
            int limit = 48 * 1024 - staticShared[0];
            if (DeviceKernels.LARGE_SHARED_MEMORY.contains(name)) {
                limit = optIn - staticShared[0];
                check(cuFuncSetAttribute(function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, limit),
                        "cuFuncSetAttribute(" + name + ")");
            }
            dynamicSharedLimit.put(name, limit);
        }
        checkBlas(cublasCreate_v2(blas), "cublasCreate");
        for (int i = 0; i < KernelArgs.MAX_ARGS; i++) {
            argumentAddresses.put(i, argumentValues.address() + 8L * i);
        }
        description = CudaDriver.describe(device,
                CudaDriver.attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                CudaDriver.attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
    }

    @Override
    public void bindToCurrentThread() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    @Override
    public long allocate(long bytes) {
        long[] address = new long[1];
        check(cuMemAlloc(address, Math.max(1, bytes)), "cuMemAlloc(" + bytes + " bytes)");
        allocations.put(address[0], bytes);
        return address[0];
    }

    @Override
    public void free(long address) {
        if (allocations.remove(address) == null) {
            throw new IllegalArgumentException("not an allocation of this device: 0x" + Long.toHexString(address));
        }
        check(cuCtxSynchronize(), "cuCtxSynchronize");
        check(cuMemFree(address), "cuMemFree");
    }

    @Override
    public void upload(long dst, ByteBuffer src) {
        ByteBuffer direct = direct(src);
        long n = direct.remaining();
        try (BytePointer host = new BytePointer(direct.slice())) {
            check(cuMemcpyHtoD(dst, host, n), "cuMemcpyHtoD(" + n + " bytes)");
        }
        Reference.reachabilityFence(direct);
    }

    @Override
    public void download(long src, ByteBuffer dst) {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("downloads go to direct buffers");
        }
        long n = dst.remaining();
        try (BytePointer host = new BytePointer(dst.slice())) {
            check(cuMemcpyDtoH(host, src, n), "cuMemcpyDtoH(" + n + " bytes)");
        }
        Reference.reachabilityFence(dst);
    }

    private static ByteBuffer direct(ByteBuffer src) {
        if (src.isDirect()) {
            return src;
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining());
        copy.put(src.duplicate()).flip();
        return copy;
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        if (bytes > 0) {
            check(cuMemcpyDtoD(dst, src, bytes), "cuMemcpyDtoD(" + bytes + " bytes)");
        }
    }

    @Override
    public void zero(long dst, long bytes) {
        if (bytes > 0) {
            check(cuMemsetD8(dst, (byte) 0, bytes), "cuMemsetD8");
        }
    }

    @Override
    public void launch(KernelLaunch launch) {
        if (launch.isEmpty()) {
            return;
        }
        CUfunc_st function = functions.get(launch.kernel());
        if (function == null) {
            throw new IllegalArgumentException("no kernel " + launch.kernel() + " in the module");
        }
        int limit = dynamicSharedLimit.get(launch.kernel());
        if (launch.sharedBytes() > limit) {
            throw new CudaException(launch.kernel() + " needs " + launch.sharedBytes()
                    + " bytes of shared memory; this device allows " + limit);
        }
        KernelArgs args = launch.args();
        for (int i = 0; i < args.count(); i++) {
            argumentValues.put(i, args.raw(i));
        }
        check(cuLaunchKernel(function, launch.gridX(), launch.gridY(), 1, launch.threads(), 1, 1,
                launch.sharedBytes(), (CUstream_st) null, argumentTable, (PointerPointer<?>) null),
                "cuLaunchKernel(" + launch.kernel() + ")");
    }

    @Override
    public void gemm(CublasGemm g) {
        alpha.put(0, g.alpha());
        beta.put(0, g.beta());
        checkBlas(cublasGemmEx(blas, g.transA(), g.transB(), g.m(), g.n(), g.k(), alpha, new Address(g.a()),
                g.aType(), g.lda(), new Address(g.b()), g.bType(), g.ldb(), beta, new Address(g.c()), g.cType(),
                g.ldc(), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx(" + g.m() + "x" + g.n() + "x" + g.k() + ")");
    }

    @Override
    public String description() {
        return description;
    }

    /** Device memory this object has allocated and not freed. */
    long allocatedBytes() {
        return allocations.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bindToCurrentThread();
        cuCtxSynchronize();
        for (long address : allocations.keySet()) {
            cuMemFree(address);
        }
        allocations.clear();
        cublasDestroy_v2(blas);
        cuModuleUnload(module);
        cuDevicePrimaryCtxRelease(device);
        argumentTable.close();
        argumentValues.close();
        argumentAddresses.close();
        alpha.close();
        beta.close();
    }

    private static void check(int result, String call) {
        if (result != CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + CudaDriver.errorName(result));
        }
    }

    private static void checkBlas(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) {
            BytePointer text = cublasGetStatusString(status);
            throw new CudaException(call + " failed: " + (text == null ? "cuBLAS status " + status : text.getString()));
        }
    }

    /** A device address as the Pointer cuBLAS's bindings take (position 0, nothing to free). */
    private static final class Address extends Pointer {
        Address(long deviceAddress) {
            address = deviceAddress;
        }
    }
}
