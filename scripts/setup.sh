#!/usr/bin/env bash
# Installs the Debian packages linkhub needs to build and test.
# Idempotent: apt-get runs only when a package is missing, so a second run takes seconds.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev liblua5.4-dev libcurl4-openssl-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev
  libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpoco-dev libtcmalloc-minimal4
  libsoci-dev libsqlite3-dev libpq-dev postgresql sqlite3
  clang-format clang-tidy clang libclang-rt-dev
  curl python3 wrk
  libopencv-dev ffmpeg fonts-dejavu-core
  libtesseract-dev tesseract-ocr-eng tesseract-ocr-por tesseract-ocr-spa
  tesseract-ocr-ind tesseract-ocr-vie tesseract-ocr-fra
  libsodium-dev libyaml-dev libssl-dev libicu-dev libcld2-dev
  json-schema-test-suite
  chromium
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

# Node.js runs the S3 test server (s3rver, below); Debian's when the machine has none.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
else
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The S3-protocol server of the storage tests (scripts/s3.sh): s3rver from
# npm, pinned by tests/s3server/package-lock.json.
s3server="$(cd "$(dirname "$0")/.." && pwd)/tests/s3server"
if [[ ! -f "$s3server/node_modules/s3rver/package.json" ]]; then
  echo "setup: npm ci in tests/s3server"
  (cd "$s3server" && npm ci --no-audit --no-fund --silent)
fi
