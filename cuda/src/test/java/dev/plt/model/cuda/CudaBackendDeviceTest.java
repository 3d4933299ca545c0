package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Backend values that name a device: "cuda" (default device) and "cuda:N" (one GPU per Spark task). */
class CudaBackendDeviceTest {
    @Test
    void cudaAndCudaNAreRequestsWithTheirDevice() {
        assertTrue(CudaBackend.isRequested("cuda"));
        assertTrue(CudaBackend.isRequested("CUDA:2"));
        assertFalse(CudaBackend.isRequested("auto"));
        assertEquals(2, CudaBackend.deviceOf("cuda:2"));
        assertEquals(0, CudaBackend.deviceOf("cuda"));
        CudaUnavailableException bad = assertThrows(CudaUnavailableException.class, () -> CudaBackend.deviceOf("cuda:x"));
        assertTrue(bad.getMessage().contains("cuda:x"), bad.getMessage());
    }
}
