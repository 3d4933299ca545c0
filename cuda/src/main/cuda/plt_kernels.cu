// The CUDA backend's kernels, one module. Built by nvcc at Maven build time (cuda/pom.xml, execution
// cuda-kernels) into a fatbin (sm_90 SASS + compute_90 PTX) and a PTX file packaged as resources; the
// Java side loads the fatbin with cuModuleLoadData and launches entry points by name (DeviceKernels).
// Projections are not here: they are cuBLAS GEMMs (GemmMapping), and their beta = 1 form does the
// residual adds. Every entry point is extern "C" so its PTX name is its source name.
#include "common.cuh"
#include "rows.cuh"
#include "norm.cuh"
#include "rope.cuh"
#include "kv_store.cuh"
#include "attention.cuh"
#include "gswa.cuh"
#include "mlp.cuh"
#include "sampling.cuh"
