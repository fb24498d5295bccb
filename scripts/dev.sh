#!/usr/bin/env bash
# Runs the API locally: DynamoDB Local with a persistent data file and the
# demo data, and the three functions under `cargo lambda watch`, which
# rebuilds them on change. Ctrl-C stops everything.
#
# DYNAMODB_PORT (default 8000) and API_PORT (default 9000) choose the ports.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dynamodb_port="${DYNAMODB_PORT:-8000}"
api_port="${API_PORT:-9000}"

if (exec 3<>"/dev/tcp/127.0.0.1/$api_port") 2>/dev/null; then
    echo "error: port $api_port is in use (another make dev?); set API_PORT to a free port" >&2
    exit 1
fi

scripts/install-tools.sh

mkdir -p .local/run
pid_file=".local/run/dynamodb-dev-$dynamodb_port.pid"
watch_pid=""
stop() {
    trap - EXIT INT TERM
    if [[ -n "$watch_pid" ]]; then
        kill "$watch_pid" 2>/dev/null || true
    fi
    if [[ -f "$pid_file" ]]; then
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    fi
}
scripts/dynamodb-local.sh start "$dynamodb_port" "$pid_file" "$root/.local/dynamodb-data/$dynamodb_port"
# Set only now: a failed start must not stop another run's DynamoDB Local.
trap stop EXIT INT TERM

export DYNAMODB_ENDPOINT="http://127.0.0.1:$dynamodb_port"
cargo run --quiet -p devtools --bin seed-local

env_file=".local/run/functions.env"
cat >"$env_file" <<ENV
AWS_ENDPOINT_URL_DYNAMODB=$DYNAMODB_ENDPOINT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
JWT_ISSUER=https://connections.localhost/dev-issuer
JWT_AUDIENCE=connections-dev-client
JWT_JWKS_FILE=$root/dev/jwt/dev-jwks.json
RUST_LOG=info
ENV

cat >&2 <<MESSAGE

The API is starting on http://127.0.0.1:$api_port (first build takes a few minutes).
Mint a token and call it:

  TOKEN=\$(cargo run -q -p devtools --bin mint-token -- ada.lovelace0@example.com)
  curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$api_port/lambda-url/get-journal/interactions/journal

MESSAGE
cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$api_port" --disable-cors --env-file "$env_file" &
watch_pid=$!
status=0
wait "$watch_pid" || status=$?
watch_pid=""
if [[ "$status" -ne 0 ]]; then
    echo "error: cargo lambda watch exited with status $status" >&2
fi
exit "$status"
