#!/usr/bin/env bash
# Proves the Go module's minimum: builds test/go-min (a program that uses the module in
# dist/go) against exactly aws-cdk-go v$MIN_CDK_VERSION, the peer-dependency minimum that
# dist/go/*/go.mod requires. go.mod and go.sum here are committed: the modules come from the Go
# module proxy, checked against go.sum, and a module whose go.mod asks for more than go.mod here
# selects fails the build (-mod=readonly). The newest aws-cdk-go is the Go consumer's
# (consumers/go). Usage: MIN_CDK_VERSION=2.93.0 test/go-min/run.sh (after package:go)
set -euo pipefail
cd "$(dirname "$0")"
: "${MIN_CDK_VERSION:?}"
export GOTOOLCHAIN=local # build with the installed Go, never download a toolchain

if ! ls ../../dist/go/*/go.mod >/dev/null 2>&1; then
  echo "dist/go is missing: run \"npx projen package:go\" first" >&2
  exit 1
fi

start=$(date +%s)
mkdir -p ../../.tmp/go-min
if ! go build -mod=readonly -buildvcs=false -o ../../.tmp/go-min/gomin .; then
  echo "The Go module in dist/go does not compile against aws-cdk-go v$MIN_CDK_VERSION (test/go-min/go.mod)." >&2
  echo "If dist/go/*/go.mod now requires other versions, run \"go mod tidy\" in test/go-min and commit go.mod and go.sum." >&2
  exit 1
fi

selected=$(go list -mod=readonly -m -f '{{.Version}}' github.com/aws/aws-cdk-go/awscdk/v2)
constructs=$(go list -mod=readonly -m -f '{{.Version}}' github.com/aws/constructs-go/constructs/v10)
if [ "$selected" != "v$MIN_CDK_VERSION" ]; then
  echo "test/go-min selected aws-cdk-go $selected, not the minimum v$MIN_CDK_VERSION" >&2
  exit 1
fi
echo "The Go module compiles against aws-cdk-go $selected and constructs-go $constructs ($(( $(date +%s) - start )) s)"
