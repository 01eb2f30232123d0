#!/usr/bin/env bash
# Proves the peer-dependency minimum: installs aws-cdk-lib $MIN_CDK_VERSION (and constructs
# $MIN_CONSTRUCTS_VERSION) into .tmp/min-cdk, copies src/ and the construct's unit tests there,
# and runs them with jest. Usage: MIN_CDK_VERSION=2.93.0 MIN_CONSTRUCTS_VERSION=10.0.5 test/min-cdk/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MIN_CDK_VERSION:?}" "${MIN_CONSTRUCTS_VERSION:?}"
export AWS_EC2_METADATA_DISABLED=true AWS_REGION="${AWS_REGION:-us-east-1}"

work=.tmp/min-cdk
rm -rf "$work/src" "$work/test" "$work/assets"
mkdir -p "$work/test"
if [ "$(node -p "try { require('./$work/node_modules/aws-cdk-lib/package.json').version } catch { '' }")" != "$MIN_CDK_VERSION" ]; then
  echo '{ "name": "min-cdk", "private": true }' > "$work/package.json"
  (cd "$work" && npm install --no-save --no-package-lock --no-audit --no-fund \
    "aws-cdk-lib@$MIN_CDK_VERSION" "constructs@$MIN_CONSTRUCTS_VERSION")
fi
cp -r src "$work/src"
# The bundled event-notifier handler that src/event-notifier-function.ts loads (npx projen bundle).
if [ ! -f assets/event-notifier.lambda/index.js ]; then
  echo "assets/event-notifier.lambda/index.js is missing: run \"npx projen bundle\" (compile does) first" >&2
  exit 1
fi
cp -r assets "$work/assets"
cp test/setup-env.ts test/min-cdk/expect-min-cdk.ts "$work/test/"
# The feature-flag test (the flags `cdk init` wrote in 2.93.0's time) with what it needs.
cp test/feature-flags.test.ts test/cfn-lint-runner.ts test/recommended-flags.ts test/variants.ts test/child-options.test.ts "$work/test/"
# The management account's forwarder in its stacks (both callAs modes, the strict synthesis).
mkdir -p "$work/test/real-time"
cp test/real-time/management-account.test.ts test/real-time/member-alarms.test.ts "$work/test/real-time/"
cp test/root-usage-alarm.test.ts test/log-pattern-alarm.test.ts test/alarm-topic.test.ts test/cis-monitoring-alarms.test.ts test/event-notifier.test.ts test/security-hub-findings.test.ts test/expected-root-use.test.ts test/real-time-root-alerts.test.ts test/control-tower-log-group.test.ts "$work/test/"
# The dashboard's test, with its Logs Insights syntax check and the event notifier's payloads and vectors.
cp test/root-usage-dashboard.test.ts test/logs-insights-syntax.ts "$work/test/"
mkdir -p "$work/test/event-notifier"
cp test/event-notifier/payload.ts "$work/test/event-notifier/"
cp -r test/vectors "$work/test/vectors"
npx jest --config test/min-cdk/jest.config.js --coverage=false --ci
