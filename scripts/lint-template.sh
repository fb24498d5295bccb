#!/usr/bin/env bash
# Lint template.yaml at the repository root with cfn-lint and, when the SAM CLI
# is installed, with sam validate --lint. The script works from any directory.
# Extra arguments are passed to sam validate, for example --region us-east-1
# when no default region is configured.
set -euo pipefail

# The SAM CLI would otherwise send usage telemetry and check for updates.
export SAM_CLI_TELEMETRY=0
export SAM_CLI_DISABLE_VERSION_CHECK=1

repo_root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd -- "$repo_root"

if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "cfn-lint not found: install it with 'pip install cfn-lint'." >&2
    exit 1
fi

echo "cfn-lint template.yaml"
cfn-lint template.yaml

if command -v sam >/dev/null 2>&1; then
    echo "sam validate --lint"
    sam validate --lint --template-file template.yaml "$@"
else
    echo "sam not found, so sam validate --lint was skipped: install it with 'pip install aws-sam-cli'." >&2
fi
