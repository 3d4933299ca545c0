// An empty library standing in for libcudart.so.13 and libcublasLt.so.13 in FakeDriverTest: JavaCPP's JNI
// wrappers link against both, but the backend calls nothing in them (it uses the driver API and cuBLAS).
// Each build only has to carry the right soname and define the symbol version the wrappers ask for
// (fake_cudart.map, fake_cublasLt.map).
extern "C" int plt_fake_library_marker() { return 0; }
