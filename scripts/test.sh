#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. This is what CI runs.
# A throwaway PostgreSQL 15 (scripts/pg.sh) serves the PostgreSQL half of the
# store and cluster tests; it is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$@"
build=${LINKHUB_BUILD_DIR:-$root/build}

if url=$("$root/scripts/pg.sh" start); then
  export LINKHUB_TEST_PG="$url"
  trap '"$root/scripts/pg.sh" stop' EXIT
  echo "PostgreSQL for the tests: ${url/:linkhub@/:***@}"
elif [[ "${CI:-}" == "true" ]]; then
  echo "test: PostgreSQL did not start; in CI that fails the run (half the suites need it)" >&2
  exit 1
else
  unset LINKHUB_TEST_PG
  echo "************************************************************************" >&2
  echo "* PostgreSQL did NOT start: the PostgreSQL tests are SKIPPED, not run.  *" >&2
  echo "************************************************************************" >&2
fi
# The S3-protocol server (scripts/s3.sh: s3rver) of the storage tests.
if s3url=$("$root/scripts/s3.sh" start); then
  export LINKHUB_TEST_S3="$s3url"
  trap '"$root/scripts/pg.sh" stop; "$root/scripts/s3.sh" stop' EXIT
  echo "S3 server for the tests: $s3url"
elif [[ "${CI:-}" == "true" ]]; then
  echo "test: the S3 test server did not start; in CI that fails the run" >&2
  exit 1
else
  unset LINKHUB_TEST_S3
  echo "************************************************************************" >&2
  echo "* The S3 server did NOT start: the S3 storage tests are SKIPPED.         *" >&2
  echo "************************************************************************" >&2
fi
# Two tests per core (LINKHUB_TEST_JOBS to change it): the long tests mostly
# wait on the processes, servers and sockets they start (the slowest ones use
# 10-40 % of a core), so one per core left the cores idle much of the run.
(cd "$build" && ctest --output-on-failure -j"${LINKHUB_TEST_JOBS:-$(($(nproc) * 2))}" --timeout 300)

# Fuzzing smoke, on request (FUZZ_SECONDS set): every libFuzzer target runs for
# a bounded time on top of the corpus replay ctest already did. Not by default
# in CI: the instrumented clang build of the whole tree doubles a cold CI run
# (27.8 of its 30 minutes on 2 cores); the replay keeps every finding fixed.
if [[ -n "${FUZZ_SECONDS:-}" ]]; then
  LINKHUB_FUZZ_PLUGIN_DIR="$build/lib/linkhub/plugins" "$root/scripts/fuzz.sh"
fi
