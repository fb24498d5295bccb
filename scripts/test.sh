#!/usr/bin/env bash
# Runs every test against a DynamoDB Local of its own, on a free loopback
# port, and stops it afterwards whatever the outcome.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mkdir -p .local/run
port="$(scripts/free-port.sh)"
pid_file=".local/run/dynamodb-test-$port.pid"
stop() {
    if [[ -f "$pid_file" ]]; then
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    fi
}
trap stop EXIT

scripts/dynamodb-local.sh start "$port" "$pid_file"
echo "DynamoDB Local is listening on 127.0.0.1:$port (PID $(cat "$pid_file"))" >&2

export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
log=".local/run/cargo-test-$port.log"
status=0
cargo test --workspace --all-targets --locked --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?

# cargo prints one result line per test binary; add them up into one line.
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
rm -f "$log"
exit "$status"
