#!/usr/bin/env bash
# Builds what scripts/gpu-check.sh needs on a GPU machine that may have no Java, into target/gpu-bundle/
# (git-ignored, so a device run must name it in `carry`):
#   jre/   a jlink'd Java runtime (the modules the check uses, nothing else)
#   lib/   plt-cuda with its kernels, plt-model, JavaCPP + CUDA bindings, Jackson, SLF4J logging to j.u.logging
#          (no Spark, no DJL: the check never tokenizes; no Log4j, which would pull in java.desktop)
# and checks the result here: the bundle's java runs the CPU engine and reports why CUDA is unavailable.
# Prints the bundle's size, which must stay under the device tool's 64 MiB (with the working tree).
# Usage: scripts/make-gpu-bundle.sh [OUT_DIR]; JDK: JAVA_HOME (must have jmods/), default the JDK 17 here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/gpu-bundle}"
jdk="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
[[ -d "$jdk/jmods" ]] || { echo "make-gpu-bundle: $jdk has no jmods/ (set JAVA_HOME to a full JDK 17+)" >&2; exit 2; }
nvcc_found=0
for candidate in /usr/local/cuda/bin/nvcc "${CUDA_HOME:-/nonexistent}/bin/nvcc" "$(command -v nvcc || true)"; do
  [[ -n "$candidate" && -x "$candidate" ]] && nvcc_found=1
done
[[ $nvcc_found == 1 ]] || { echo "make-gpu-bundle: no nvcc here, so the jar would have no kernels" >&2; exit 2; }

cd "$root"
rm -rf "$out"
mkdir -p "$out/lib"
# One reactor run, so that plt-cuda's dependency on plt-model resolves to model/target (nothing installed).
mvn -q -B -DskipTests -pl cuda -am package dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$out/lib" -DincludeGroupIds=dev.plt,com.fasterxml.jackson.core,org.slf4j,org.bytedeco
cp cuda/target/plt-cuda-*.jar "$out/lib/"
unzip -l "$out"/lib/plt-cuda-*.jar | grep -q 'dev/plt/model/cuda/kernels/plt_kernels.fatbin' \
  || { echo "make-gpu-bundle: the plt-cuda jar has no kernels" >&2; exit 1; }
slf4j_version=$(ls "$out"/lib/slf4j-api-*.jar | sed 's/.*slf4j-api-\(.*\)\.jar/\1/')
mvn -q -B dependency:copy -Dartifact="org.slf4j:slf4j-jdk14:$slf4j_version" -DoutputDirectory="$out/lib"

# java.logging: SLF4J's binding; java.management: probed by libraries, cheap; jdk.unsupported: JavaCPP's raw
# memory access; jdk.incubator.vector: the CPU engine's kernels. Jackson runs without java.sql/java.desktop
# (it only probes them), which the self-check below confirms.
"$jdk/bin/jlink" --module-path "$jdk/jmods" \
  --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --no-header-files --no-man-pages \
  --compress=2 --output "$out/jre"

echo "== self-check of the bundle on this machine (no GPU expected here)"
set +e
"$out/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dorg.bytedeco.javacpp.cachedir="$out/.javacpp-check" -cp "$out/lib/*" dev.plt.model.cuda.GpuCheck availability
code=$?
set -e
rm -rf "$out/.javacpp-check"
[[ $code == 0 || $code == 2 ]] || { echo "make-gpu-bundle: the bundle's self-check failed ($code)" >&2; exit 1; }
echo "== $out: $(du -sh "$out" | cut -f1) (jre $(du -sh "$out/jre" | cut -f1), lib $(du -sh "$out/lib" | cut -f1))"
bytes=$(du -sb "$out" | cut -f1)
if (( bytes > 60 * 1024 * 1024 )); then
  echo "make-gpu-bundle: WARNING: over 60 MiB, too big to carry with the working tree" >&2
  exit 1
fi
