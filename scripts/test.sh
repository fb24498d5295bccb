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
cargo test --workspace --locked --no-fail-fast "$@"
