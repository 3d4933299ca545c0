#!/usr/bin/env bash
# Builds llama.cpp, the CPU peer of `plt bench --peer llama.cpp` and of the log-prob check LlamaCppGgufParityTest,
# into target/llama.cpp/ (git-ignored; the source is never committed).
#
#   scripts/build-llama-cpp.sh            builds once; a second run prints the binaries and exits
#   PLT_LLAMA_REBUILD=1 scripts/...       builds again
#
# Source: the llama.cpp that the npm package node-llama-cpp vendors (as a git bundle,
# llama/gitRelease.bundle), fetched with `npm pack` at a pinned version, because npm is the registry
# these machines reach (GitHub is not). Its patches/ (for node-llama-cpp's virtual models) are not applied:
# they do not touch the tools built here.
# Built: Release, native CPU (GGML_NATIVE), static libraries, no network code (no OpenSSL/curl), only
#   bin/llama-bench      decode / prefill throughput (its -o json is what PeerBench parses)
#   bin/llama-logprobs   scripts/llama-logprobs.cpp, written here: per-token log-probs of given token ids
#   bin/llama-speed      scripts/llama-speed.cpp, written here: llama-bench's prefill/decode measurement on
#                        libllama alone, built first, since llama-bench needs llama.cpp's slow-to-build "common"
# with `nice` and at most 2 compile jobs (PLT_LLAMA_JOBS), since the machine is shared.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="3.22.1"                     # node-llama-cpp; it vendors llama.cpp commit de3ff815 (its release v0.5.0)
out="$root/target/llama.cpp"
jobs="${PLT_LLAMA_JOBS:-2}"
(( jobs > 2 )) && jobs=2

if [[ -x "$out/bin/llama-bench" && -x "$out/bin/llama-logprobs" && -z "${PLT_LLAMA_REBUILD:-}" ]]; then
  echo "llama.cpp already built: $out/bin/llama-bench $out/bin/llama-logprobs ($(cat "$out/VERSION" 2>/dev/null))"
  exit 0
fi
for tool in npm git cmake c++ tar; do
  command -v "$tool" >/dev/null || { echo "build-llama-cpp: $tool is not installed" >&2; exit 2; }
done

mkdir -p "$out/npm"
cd "$out/npm"
tarball="node-llama-cpp-$version.tgz"
if [[ ! -f "$tarball" ]]; then
  npm pack --silent "node-llama-cpp@$version" >/dev/null || { echo "build-llama-cpp: npm pack node-llama-cpp@$version failed (is the npm registry reachable?)" >&2; exit 4; }
fi
if [[ ! -d "$out/src/.git" ]]; then
  tar xzf "$tarball" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
  rm -rf "$out/src"
  git -c advice.detachedHead=false clone -q package/llama/gitRelease.bundle "$out/src"
fi
commit="$(git -C "$out/src" rev-parse HEAD)"
echo "node-llama-cpp $version, llama.cpp ${commit:0:8}" >"$out/VERSION"

cmake -S "$out/src" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_COMMON=ON >"$out/cmake-configure.log" \
  || { echo "build-llama-cpp: cmake configure failed, see $out/cmake-configure.log" >&2; exit 4; }
# In order of need: libllama (all llama-logprobs needs), the log-prob tool, then llama-bench (which also needs
# llama.cpp's large "common" library), so that a slow shared machine has the parity check's tool first.
mkdir -p "$out/bin"
nice -n 10 cmake --build "$out/build" --target llama -j "$jobs" >"$out/cmake-build.log" \
  || { echo "build-llama-cpp: building libllama failed, see $out/cmake-build.log" >&2; exit 4; }
# The log-prob tool links the same static libraries (libllama, ggml) that llama-bench uses.
libs=()
while IFS= read -r lib; do libs+=("$lib"); done < <(find "$out/build" -name 'libllama.a' -o -name 'libggml*.a' | sort -r)
nice -n 10 c++ -O2 -std=c++17 -I"$out/src/include" -I"$out/src/ggml/include" \
  "$root/scripts/llama-logprobs.cpp" -o "$out/bin/llama-logprobs" \
  -Wl,--start-group "${libs[@]}" -Wl,--end-group -fopenmp -lpthread -ldl -lm \
  || { echo "build-llama-cpp: compiling scripts/llama-logprobs.cpp failed" >&2; exit 4; }
nice -n 10 c++ -O2 -std=c++17 -I"$out/src/include" -I"$out/src/ggml/include" \
  "$root/scripts/llama-speed.cpp" -o "$out/bin/llama-speed" \
  -Wl,--start-group "${libs[@]}" -Wl,--end-group -fopenmp -lpthread -ldl -lm \
  || { echo "build-llama-cpp: compiling scripts/llama-speed.cpp failed" >&2; exit 4; }
echo "built $out/bin/llama-logprobs and $out/bin/llama-speed (plt bench uses it until llama-bench is built)"
nice -n 10 cmake --build "$out/build" --target llama-bench -j "$jobs" >>"$out/cmake-build.log" \
  || { echo "build-llama-cpp: building llama-bench failed, see $out/cmake-build.log" >&2; exit 4; }
cp "$out/build/bin/llama-bench" "$out/bin/"
echo "llama.cpp built: $out/bin/llama-bench $out/bin/llama-logprobs ($(cat "$out/VERSION"))"
