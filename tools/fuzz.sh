#!/usr/bin/env bash
# Fuzzes the scenario loader and the cost-profile loader with libFuzzer (clang, ASan + UBSan).
# Usage: tools/fuzz.sh [--seconds N] [--build-dir DIR]
#   --seconds N    total fuzzing time, split evenly between the two targets (default 90)
#   --build-dir D  the clang build folder (default build-fuzz); its fuzz/ folder keeps the working
#                  corpus between runs, the seeds, the logs and any finding
# Installs the Debian packages that are missing (as tools/setup.sh does), configures and builds the
# fuzz targets, runs each for its share of the time and prints libFuzzer's final statistics. Exits 1
# on any finding (crash, sanitizer report, leak, time-out, out-of-memory) and prints the input's path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=90
build_dir="$here/build-fuzz"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$seconds" in
  ''|*[!0-9]*) echo "fuzz.sh: --seconds takes a whole number of seconds, not '$seconds'" >&2; exit 2 ;;
esac
[ "$seconds" -ge 2 ] || { echo "fuzz.sh: --seconds must be at least 2 (one per target)" >&2; exit 2; }

# The project's own packages (no build), then clang and the libFuzzer runtime of its version.
bash "$here/tools/setup.sh" --no-build
install_missing() {
  local missing=() p status
  for p in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "fuzz.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ -z "${apt_updated:-}" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
install_missing clang
clang_major=$(clang -dumpversion | cut -d. -f1)
install_missing "libclang-rt-${clang_major}-dev"  # libclang_rt.fuzzer and the sanitizer runtimes

# Configure (once) and build only the two fuzz targets and the libraries they link.
build_start=$(date +%s)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCNISIM_FUZZ=ON -DCNISIM_SANITIZE=ON -DCNISIM_BUILD_TESTS=OFF -DCNISIM_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --parallel "$(nproc)" --target scenario_fuzz profile_fuzz
echo "== fuzz.sh: build took $(( $(date +%s) - build_start )) s"

work="$build_dir/fuzz"
targets=(scenario_fuzz profile_fuzz)
# The seed folders of each target (their *.yaml files), besides its checked-in tests/fuzz/corpus/TARGET.
declare -A seeds=(
  [scenario_fuzz]="scenarios tests/scenario/bad"
  [profile_fuzz]="models/profiles"
)
declare -A dicts=([scenario_fuzz]=scenario.dict [profile_fuzz]=profile.dict)

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"

# One of libFuzzer's -print_final_stats=1 lines: final_stat NAME LOG.
final_stat() { grep -E "^stat::$1:" "$2" | awk '{print $2}' | tail -1 || true; }

failed=0
summary=()
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  share=$(( seconds / ${#targets[@]} ))
  [ "$i" -ne $(( ${#targets[@]} - 1 )) ] || share=$(( seconds - share * (${#targets[@]} - 1) ))
  corpus="$work/corpus/$t"   # grows from run to run; libFuzzer writes new inputs here only
  seed="$work/seed/$t"       # refreshed from the source tree every run
  findings="$work/findings/$t"
  rm -rf "$seed"
  mkdir -p "$corpus" "$seed" "$findings"
  for dir in ${seeds[$t]}; do
    for f in "$here/$dir"/*.yaml; do
      cp "$f" "$seed/${dir//\//-}-$(basename "$f")"  # prefixed: two folders may hold the same name
    done
  done
  for f in "$here/tests/fuzz/corpus/$t"/*; do
    if [ -f "$f" ]; then cp "$f" "$seed/corpus-$(basename "$f")"; fi
  done
  log="$work/$t.log"
  before=$(find "$findings" -type f | wc -l)
  echo "== fuzz.sh: $t for $share s ($(find "$corpus" -type f | wc -l) inputs in the working corpus," \
       "$(find "$seed" -type f | wc -l) seeds); log: $log"
  run_start=$(date +%s)
  set +e
  "$build_dir/tests/fuzz/$t" "$corpus" "$seed" -dict="$here/tests/fuzz/${dicts[$t]}" \
    -max_total_time="$share" -timeout=2 -rss_limit_mb=1024 -malloc_limit_mb=1024 -max_len=65536 \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  wall=$(( $(date +%s) - run_start ))
  done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -1 || true)
  summary+=("$(printf '%-14s %4s s %10s execs %7s exec/s  cov %6s  ft %6s  corpus %5s  peak rss %s MB' "$t" \
    "$wall" "$(final_stat number_of_executed_units "$log")" "$(final_stat average_exec_per_sec "$log")" \
    "$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")" \
    "$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")" \
    "$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$done_line")" "$(final_stat peak_rss_mb "$log")")")
  after=$(find "$findings" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    failed=1
    echo "!! fuzz.sh: $t found a problem (exit code $rc); the end of its log:" >&2
    grep -vE '^#[0-9]+[[:space:]]' "$log" | tail -40 >&2 || true
    # libFuzzer names the input it saved: "Test unit written to PATH".
    sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | while read -r input; do
      echo "!! fuzz.sh: the failing input: $input" >&2
      echo "!!   reproduce: $build_dir/tests/fuzz/$t $input" >&2
      echo "!!   minimise:  $build_dir/tests/fuzz/$t -minimize_crash=1 -max_total_time=60 $input" >&2
    done
  fi
done

echo "== fuzz.sh: final statistics"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "== fuzz.sh: FAILED: findings are in $work/findings/" >&2
  exit 1
fi
echo "== fuzz.sh: no findings"
