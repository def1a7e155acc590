#!/usr/bin/env bash
# Installs the Debian packages Candela needs that this machine lacks. Safe to run repeatedly.
# Usage: scripts/install-deps.sh [build|web|bench]...   (default: build)
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache clang libclang-rt-14-dev pkg-config
  libboost1.81-dev libssl-dev zlib1g-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev curl python3 ca-certificates
  libsoci-dev libsqlite3-dev libpq-dev libsodium-dev postgresql libcurl4-openssl-dev
  python3-aiosmtpd libhpdf-dev poppler-utils libldns-dev ldnsutils
)
bench_packages=(nginx-light varnish trafficserver wrk util-linux procps dnsperf knot nsd nghttp2-client)
# The web UI's build (Node.js, npm) and its browser tests (headless Chromium, a font).
web_packages=(chromium fonts-dejavu-core)
# Debian's Node.js conflicts with a Node.js installed from elsewhere (which includes npm), so
# these are wanted only when no node/npm is on PATH.
node_packages=(nodejs npm)

wanted=()
for group in "${@:-build}"; do
  case "$group" in
    build) wanted+=("${build_packages[@]}") ;;
    bench) wanted+=("${bench_packages[@]}") ;;
    web)
      wanted+=("${web_packages[@]}")
      command -v node >/dev/null && command -v npm >/dev/null || wanted+=("${node_packages[@]}")
      ;;
    *) echo "install-deps: unknown group '$group' (build, web, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
