#!/usr/bin/env bash
# Installs the Debian packages linkhub needs to build and test.
# Idempotent: apt-get runs only when a package is missing, so a second run takes seconds.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev liblua5.4-dev libcurl4-openssl-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev
  libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpoco-dev
  libsoci-dev libsqlite3-dev libpq-dev postgresql sqlite3
  clang-format clang-tidy clang libclang-rt-dev
  curl python3 wrk
  libopencv-dev ffmpeg
  libsodium-dev libyaml-dev libssl-dev
  json-schema-test-suite
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
