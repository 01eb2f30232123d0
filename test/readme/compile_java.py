#!/usr/bin/env python3
"""Compiles rosetta's Java translations of every README and docs/ snippet against the built jar.

Construct Hub shows the README in Java from rosetta's translations (the tablet .jsii.tabl.json,
written by post-compile), and the docs/ pages show theirs (.tmp/docs-assembly/.jsii.tabl.json).
This script compiles each translation with javac exactly as printed, placed as a Java reader
pastes it, and adds nothing to it:

- its import lines go at the top of the file;
- a complete app (rosetta/module.ts-fixture) goes into the `main` method of a class;
- a fragment (rosetta/default.ts-fixture: code inside a Stack's constructor) goes into the
  constructor of a class that extends Stack, named by its full name
  (`software.amazon.awscdk.Stack`), so the fragment's own imports must name everything it uses.

A translation therefore compiles only with its imports complete: the snippets bring their own
(rosetta translates them), and test/readme/complete-java.ts adds to the tablets the `java.util`
imports rosetta leaves out.

The classpath is the consumer app's (consumers/java/pom.xml: aws-cdk-lib, constructs and the jar
in dist/java), resolved with its local Maven repository (consumers/java/.work/m2, which
`test:consumers:java` fills). Needs `package:java` (dist/java) and a JDK.

Usage: python3 test/readme/compile_java.py
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLETS = {
    'README': os.path.join(ROOT, '.jsii.tabl.json'),
    'docs/': os.path.join(ROOT, '.tmp', 'docs-assembly', '.jsii.tabl.json'),
}
CONSUMER = os.path.join(ROOT, 'consumers', 'java')
REPOSITORY = os.path.join(CONSUMER, '.work', 'm2')

def fail(message):
    print(f'Java translations: {message}', file=sys.stderr)
    sys.exit(1)


def snippets():
    found = []
    for where, tablet in TABLETS.items():
        if not os.path.exists(tablet):
            fail(f'{tablet} is missing: run "npx projen compile"')
        with open(tablet, encoding='utf-8') as f:
            for snippet in json.load(f)['snippets'].values():
                line = snippet['location']['field'].get('line', '?')
                found.append((f'{where} snippet at line {line}', snippet['translations']['java']['source']))
    return found


def java_class(name, translation):
    lines = translation.splitlines()
    imports = [l for l in lines if l.startswith('import ')]
    body = '\n'.join(l for l in lines if not l.startswith('import '))
    indented = '\n'.join(('        ' + l) if l else l for l in body.splitlines())
    header = '\n'.join(imports)
    if re.search(r'\bthis\b', body):
        return header + (
            f'\n\npublic class {name} extends software.amazon.awscdk.Stack {{\n'
            f'    public {name}(final software.constructs.Construct scope, final String id) {{\n'
            f'        super(scope, id);\n\n{indented}\n    }}\n}}\n')
    return header + f'\n\npublic class {name} {{\n    public static void main(final String[] args) {{\n{indented}\n    }}\n}}\n'


def classpath(work):
    output = os.path.join(work, 'classpath.txt')
    with open(os.path.join(ROOT, 'package.json'), encoding='utf-8') as f:
        version = json.load(f)['version']
    # As consumers/run.ts does: drop our artifact from the local repository, so that Maven takes
    # the jar just built in dist/java.
    shutil.rmtree(os.path.join(REPOSITORY, 'io', 'github', 'cdk-root-usage-alarm', 'cdk-root-usage-alarm'), ignore_errors=True)
    result = subprocess.run(['mvn', '--batch-mode', '--quiet', '--no-transfer-progress', f'-Dmaven.repo.local={REPOSITORY}',
                             f'-Dcdk-root-usage-alarm.version={version}', 'dependency:build-classpath',
                             f'-Dmdep.outputFile={output}'], cwd=CONSUMER, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f'mvn dependency:build-classpath failed (run "npx projen package:java" first):\n{result.stdout}\n{result.stderr}')
    with open(output, encoding='utf-8') as f:
        return f.read().strip()


def main():
    started = time.monotonic()
    found = snippets()
    with tempfile.TemporaryDirectory(prefix='readme-java-') as work:
        sources = []
        for number, (where, translation) in enumerate(found, start=1):
            path = os.path.join(work, f'Snippet{number}.java')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(java_class(f'Snippet{number}', translation))
            sources.append(path)
        cp = classpath(work)
        t0 = time.monotonic()
        result = subprocess.run(['javac', '-d', os.path.join(work, 'classes'), '-cp', cp, '-Xmaxerrs', '1000', *sources],
                                capture_output=True, text=True)
        compile_seconds = time.monotonic() - t0
        failed = set(re.findall(r'(Snippet\d+)\.java:\d+: error', result.stderr))
        for number, (where, _translation) in enumerate(found, start=1):
            print(f'{"FAIL" if f"Snippet{number}" in failed else "ok  "} Java: {where} (Snippet{number}.java)')
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            for name in sorted(failed):
                with open(os.path.join(work, f'{name}.java'), encoding='utf-8') as f:
                    print(f'--- {name}.java\n{f.read()}', file=sys.stderr)
    print(f'{len(found) - len(failed)} of {len(found)} Java translations compile '
          f'(javac {compile_seconds:.1f} s, {time.monotonic() - started:.1f} s in all)')
    if result.returncode != 0:
        sys.exit(1)


if __name__ == '__main__':
    main()
