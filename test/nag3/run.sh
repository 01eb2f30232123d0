#!/usr/bin/env bash
# Proves the library's cdk-nag acknowledgements with cdk-nag 3, which needs a newer aws-cdk-lib than
# the dev one (DESIGN.md toolchain facts): installs cdk-nag $NAG3_VERSION with aws-cdk-lib
# $NAG3_CDK_VERSION into .tmp/nag3 (once; npm's cache makes a new install quick), copies src/, the
# bundled handler and the cdk-nag cases there, and runs test/nag3/cdk-nag3.test.ts with jest.
# Usage: NAG3_VERSION=3.0.2 NAG3_CDK_VERSION=2.276.0 test/nag3/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${NAG3_VERSION:?}" "${NAG3_CDK_VERSION:?}"
export AWS_EC2_METADATA_DISABLED=true AWS_REGION="${AWS_REGION:-us-east-1}"

work=.tmp/nag3
installed() { node -p "try { require('./$work/node_modules/$1/package.json').version } catch { '' }"; }
rm -rf "$work/src" "$work/test" "$work/assets"
mkdir -p "$work/test/nag3" "$work/docs"
if [ "$(installed aws-cdk-lib)" != "$NAG3_CDK_VERSION" ] || [ "$(installed cdk-nag)" != "$NAG3_VERSION" ]; then
  echo '{ "name": "nag3", "private": true }' > "$work/package.json"
  (cd "$work" && npm install --no-save --no-package-lock --no-audit --no-fund --prefer-offline \
    "cdk-nag@$NAG3_VERSION" "aws-cdk-lib@$NAG3_CDK_VERSION" "constructs@^10.5.1")
fi
cp -r src "$work/src"
if [ ! -f assets/event-notifier.lambda/index.js ]; then
  echo "assets/event-notifier.lambda/index.js is missing: run \"npx projen bundle\" (compile does) first" >&2
  exit 1
fi
cp -r assets "$work/assets"
# The docs' Chat example is run as written: the cases read it from docs/.
cp docs/event-notifications.md "$work/docs/"
cp test/setup-env.ts test/nag-cases.ts test/variants.ts "$work/test/"
cp test/nag3/cdk-nag3.test.ts "$work/test/nag3/"
npx jest --config test/nag3/jest.config.js --coverage=false --ci
