#!/usr/bin/env bash
# Installs whatever Debian packages cnisim needs that are missing, then configures and builds.
# Usage: tools/setup.sh [--build-dir DIR] [--build-type Release|Debug|RelWithDebInfo] [--sanitize]
#                       [--no-build] [--targets "T1 T2 ..."] [-- EXTRA CMAKE ARGS]
# Idempotent; quiet when everything is present. Runs apt-get update at most once per call.
# --targets builds only those targets (and what they need), e.g. the ThreadSanitizer build in .ci/run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$here/build"
build_type=Release
sanitize=OFF
do_build=1
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --build-type) build_type=$2; shift 2 ;;
    --sanitize) sanitize=ON; shift ;;
    --no-build) do_build=0; shift ;;
    --targets) read -r -a targets <<< "$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "setup.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

packages=(g++ cmake make ninja-build
          libboost1.81-dev libboost-graph1.81-dev libboost-json1.81-dev
          libboost-program-options1.81-dev libspdlog-dev libyaml-cpp-dev catch2
          libbenchmark-dev iproute2 iptables nftables graphviz
          libpcap-dev tcpdump tshark openmpi-bin libboost-mpi1.81-dev)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$do_build" -eq 1 ] || exit 0

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type" \
        -DCNISIM_SANITIZE="$sanitize" "${extra[@]}" >/dev/null
else
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DCNISIM_SANITIZE="$sanitize" "${extra[@]}" \
        >/dev/null
fi
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]}"
else
  cmake --build "$build_dir" --parallel "$(nproc)"
fi
