# Commands of the Connections API; the README explains each one.

.PHONY: dev test lint ci release bench token events

## Run the API locally on 127.0.0.1:9000 with DynamoDB Local and demo data.
dev:
	scripts/dev.sh

## Run every test against a DynamoDB Local started for the run.
test:
	scripts/install-tools.sh
	scripts/test.sh

## Check formatting, clippy warnings and the SAM template.
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	scripts/lint-template.sh --region us-east-1

## What CI runs.
ci: lint test

## Build the arm64 release zips that SAM deploys, into target/lambda/.
release:
	cargo lambda build --release --arm64 --output-format zip --locked \
		-p create-interaction -p get-journal -p check-connection

## Measure init time, latency, DynamoDB calls and memory; writes BENCHMARKS.md.
bench:
	scripts/bench.sh

## Print a development token: make token EMAIL=ada.lovelace0@example.com
token:
	@cargo run --quiet -p devtools --bin mint-token -- $(or $(EMAIL),ada.lovelace0@example.com)

## Regenerate the sample events in events/.
events:
	cargo build --quiet -p devtools --bin mint-token
	python3 scripts/make-events.py
