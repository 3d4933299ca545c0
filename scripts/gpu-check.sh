#!/usr/bin/env bash
# The CUDA backend's device check, end to end, on a GPU machine (made for an H200 with a CUDA 13 driver,
# nvcc 13 and python3 with PyTorch; Java may be absent there). Run from a checkout:
#
#   scripts/gpu-check.sh [RESULTS_DIR]            (default RESULTS_DIR: gpu-results)
#
# Steps (PLT_CHECKS picks some: "env parity latency torch", default all):
#   env      GPU, driver, CUDA libraries found, Java and PyTorch versions; whether Java sees the GPU
#   parity   the CUDA path against the CPU engine over the family grid (dev.plt.model.cuda.GpuCheck parity)
#   latency  decode latency of non-loop / vanilla loop-2 / PLT-2 on a ~1.1B random model, batch 1/32/128
#   torch    the same shapes in PyTorch eager (scripts/plt_torch_peer.py --self-check)
# Results, at most 8 files: env.txt parity.txt latency.txt latency.csv torch-peer.txt torch-peer.json
# summary.txt gpu-check.log (everything printed).
#
# Java: PLT_JAVA (a java binary), else target/gpu-bundle/jre/bin/java (scripts/make-gpu-bundle.sh), else
# $JAVA_HOME/bin/java, else java on PATH. Classpath: PLT_CLASSPATH, else target/gpu-bundle/lib/*, else
# cuda/target/classes (the plt-cuda module) plus the jars of
# `mvn -DskipTests -pl cuda -am package dependency:copy-dependencies` in cuda/target/dependency.
# Other knobs: PLT_BATCHES (1,32,128), PLT_PROMPT (128), PLT_STEPS (32), PLT_CASES (regex of parity cases,
# default all), PLT_SHAPE (1b, or tiny to try the latency program out), PLT_JAVA_OPTS (extra JVM flags),
# PLT_REBUILD_KERNELS=1 (compile the kernels here with nvcc and use them instead of the jar's).
# Exit code: 0 when every step ran and parity passed, 1 otherwise.
#
# Nothing of this has run on a GPU yet. It was dry-run where there is none, against the stand-in driver of
# the tests (LD_LIBRARY_PATH=cuda/target/fake-cuda PLT_CASES=... PLT_SHAPE=tiny), which runs the kernels on
# CPU threads: that proves the plumbing, not the GPU.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$(mkdir -p "${1:-gpu-results}" && cd "${1:-gpu-results}" && pwd)"
checks="${PLT_CHECKS:-env parity latency torch}"
batches="${PLT_BATCHES:-1,32,128}"
prompt="${PLT_PROMPT:-128}"
steps="${PLT_STEPS:-32}"
cases="${PLT_CASES:-.*}"
shape="${PLT_SHAPE:-1b}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
exec > >(tee -a "$results/gpu-check.log") 2>&1
status=0
wants() { [[ " $checks " == *" $1 "* ]]; }
say() { printf '\n== %s\n' "$*"; }

# ---- Java and its classpath
java="${PLT_JAVA:-}"
if [[ -z "$java" ]]; then
  if [[ -x "$root/target/gpu-bundle/jre/bin/java" ]]; then java="$root/target/gpu-bundle/jre/bin/java"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"
  else java="$(command -v java || true)"; fi
fi
classpath="${PLT_CLASSPATH:-}"
if [[ -z "$classpath" ]]; then
  if [[ -d "$root/target/gpu-bundle/lib" ]]; then classpath="$root/target/gpu-bundle/lib/*"
  else classpath="$root/cuda/target/classes:$root/cuda/target/dependency/*"; fi
fi
if [[ -n "${PLT_REBUILD_KERNELS:-}" ]]; then
  say "rebuilding the kernels here"
  mkdir -p "$work/kernels/dev/plt/model/cuda/kernels"
  nvcc -fatbin -gencode 'arch=compute_90,code=[sm_90,compute_90]' \
      -o "$work/kernels/dev/plt/model/cuda/kernels/plt_kernels.fatbin" "$root/cuda/src/main/cuda/plt_kernels.cu" \
    && nvcc -ptx -arch=compute_90 -o "$work/kernels/dev/plt/model/cuda/kernels/plt_kernels.ptx" \
      "$root/cuda/src/main/cuda/plt_kernels.cu" \
    && classpath="$work/kernels:$classpath" || { echo "kernel rebuild failed"; status=1; }
fi

# ---- CUDA 13 libraries for the JavaCPP bindings: the driver's libcuda, and libcudart / libcublas(Lt) from
# the toolkit or from the CUDA wheels PyTorch ships with (site-packages/nvidia/...).
find_lib_dir() { # name -> first directory holding it
  local name="$1" dir
  for dir in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu \
             /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib64; do
    [[ -e "$dir/$name" ]] && { echo "$dir"; return; }
  done
  local site
  site="$(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null)"
  for dir in $site; do
    [[ -d "$dir/nvidia" ]] || continue
    local hit
    hit="$(find "$dir/nvidia" -name "$name" 2>/dev/null | head -1)"
    [[ -n "$hit" ]] && { dirname "$hit"; return; }
  done
  ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }' | xargs -r dirname
}
libdirs=""
for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13; do
  dir="$(find_lib_dir "$lib")"
  echo "$lib: ${dir:-NOT FOUND}"
  [[ -n "$dir" && ":$libdirs:" != *":$dir:"* ]] && libdirs="$libdirs:$dir"
done
export LD_LIBRARY_PATH="${libdirs#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

jvm=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx32g
     -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" ${PLT_JAVA_OPTS:-})
run_java() { "$java" "${jvm[@]}" -cp "$classpath" dev.plt.model.cuda.GpuCheck "$@"; }

if wants env; then
  say "environment"
  {
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
    nvcc --version 2>&1 | tail -2
    echo "java: $java"; "$java" -version 2>&1
    echo "classpath: $classpath"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())' 2>&1
    run_java availability --out "$results"
  } | tee "$results/env.txt"
  grep -q "CUDA available" "$results/env.txt" || { echo "Java does not see a usable GPU: see env.txt"; status=1; }
fi

if wants parity; then
  say "parity: CUDA path vs CPU engine"
  run_java parity --out "$results" --cases "$cases" || status=1
fi

if wants latency; then
  say "decode latency (Java, CUDA backend)"
  run_java latency --out "$results" --shape "$shape" --batches "$batches" --prompt "$prompt" --steps "$steps" \
    || status=1
fi

if wants torch; then
  say "decode latency (PyTorch eager peer)"
  PYTHONUNBUFFERED=1 python3 "$root/scripts/plt_torch_peer.py" --self-check --batches "$batches" \
      --prompt "$prompt" --steps "$steps" --out "$results/torch-peer.json" | tee "$results/torch-peer.txt"
  [[ ${PIPESTATUS[0]} == 0 ]] || status=1
fi

if [[ -f "$results/latency.csv" && -f "$results/torch-peer.json" ]]; then
  say "summary: ms per decode step (one token for every sequence), Java CUDA backend vs PyTorch eager"
  python3 - "$results/latency.csv" "$results/torch-peer.json" <<'PY' | tee "$results/summary.txt"
import csv, json, sys
java = {(r["family"].split(" (")[0], int(r["batch"])): float(r["median_ms"]) for r in csv.DictReader(open(sys.argv[1]))}
torch = {(r["family"], int(r["batch"])): r["median_ms"] for r in json.load(open(sys.argv[2]))}
print(f"{'family':16s} {'batch':>6s} {'java ms':>10s} {'torch ms':>10s} {'torch/java':>11s}")
for (family, batch), ms in sorted(torch.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    j = java.get((family, batch))
    print(f"{family:16s} {batch:6d} {j if j else float('nan'):10.3f} {ms:10.3f} {ms / j if j else float('nan'):11.2f}")
for batch in sorted({b for _, b in java}):
    plt, vanilla = java.get(("PLT-2", batch)), java.get(("vanilla loop-2", batch))
    if plt and vanilla:
        print(f"java batch {batch}: PLT-2 step / vanilla loop-2 step = {plt / vanilla:.2f}"
              " (the paper reports about 0.53 at batch 32)")
PY
fi

say "done: results in $results (exit $status)"
exit $status
