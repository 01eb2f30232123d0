#!/usr/bin/env bash
# package:go: the Go module, generated against the peer-dependency minimums (aws-cdk-lib
# $MIN_CDK_VERSION, constructs $MIN_CONSTRUCTS_VERSION), as the cdklabs construct libraries build
# theirs. See projenrc/package-minimums.ts for why; test/go-min and consumers/go prove the result.
# Usage: MIN_CDK_VERSION=2.93.0 MIN_CONSTRUCTS_VERSION=10.0.5 projenrc/package-go.sh
#
# 1. aws-cdk-lib and constructs at the minimums go into .tmp/go-package/node_modules (once;
#    reused while the versions match).
# 2. The npm package of this project (npm pack: what users install) is unpacked into
#    .tmp/go-package/package, so that jsii-pacmak resolves the dependencies' assemblies from
#    step 1, not from the project's node_modules (the dev aws-cdk-lib).
# 3. jsii-pacmak generates the Go module into dist/go (code only: `go mod tidy` and `go build`
#    against those versions are test:go-min's job, with a committed go.sum).
# 4. The `// indirect` lines go: jsii-pacmak writes there the versions npm resolved for
#    aws-cdk-lib's own dependencies (asset packages newer than aws-cdk-go v$MIN_CDK_VERSION requires),
#    which would raise them for every user; Go derives the module graph from aws-cdk-go's go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MIN_CDK_VERSION:?}" "${MIN_CONSTRUCTS_VERSION:?}"

work=.tmp/go-package
installed() { node -p "try { require('./$work/node_modules/$1/package.json').version } catch { '' }"; }
if [ "$(installed aws-cdk-lib)" != "$MIN_CDK_VERSION" ] || [ "$(installed constructs)" != "$MIN_CONSTRUCTS_VERSION" ]; then
  rm -rf "$work/node_modules"
  mkdir -p "$work"
  echo '{ "name": "go-package", "private": true }' > "$work/package.json"
  (cd "$work" && npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "aws-cdk-lib@$MIN_CDK_VERSION" "constructs@$MIN_CONSTRUCTS_VERSION")
fi

rm -rf "$work/package" "$work"/*.tgz
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
tar -xzf "$work/$tarball" -C "$work"
rm -f "$work/$tarball"
# The README's examples, translated by jsii-rosetta at compile time (postcompile), for the Go docs.
if [ -f .jsii.tabl.json ]; then
  cp .jsii.tabl.json "$work/package/"
fi

rm -rf dist/go
jsii-pacmak -v --target go --code-only --outdir "$PWD/dist" "$work/package"
for gomod in dist/go/*/go.mod; do
  sed -i '/\/\/ indirect$/d' "$gomod"
done
echo "dist/go/*/go.mod:"
cat dist/go/*/go.mod
