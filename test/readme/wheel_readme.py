#!/usr/bin/env python3
"""Runs every Python block of the README that PyPI shows, against the wheel that shows it.

(And the Python blocks of the docs/ pages: rosetta's translations of their TypeScript, which
test/readme-docs.test.ts keeps word for word. The registries do not show those pages.)

PyPI renders the long description in the wheel's METADATA: the README as jsii-pacmak wrote it,
with each TypeScript snippet replaced by rosetta's Python translation. This script reads that
text out of the wheel in dist/python (built by `package:python`, as a release builds it), takes
every ```python block and runs it in a virtual environment where the wheel is installed:

- an app (it creates an App and calls synth) runs as a script;
- a fragment (it uses `self`, as snippets compiled with rosetta/default.ts-fixture do) runs inside
  the stack of test/readme/python-prelude.py, the fixture's Python side, which imports nothing
  under a name a block may use: a block runs only with its own imports complete, as printed.

All blocks run in one Python process (test/readme/run_blocks.py), each as a script in a fresh
namespace, each App writing to its own folder in a temporary directory (as CDK_OUTDIR would),
without AWS: no AWS variables from the caller, the EC2 metadata address disabled, AWS_REGION set.
A block passes when it raises nothing and writes a cloud assembly with at least one template.
Any failure, or a README without Python blocks, fails.

The virtual environment: the consumer app's (consumers/python/.work/venv, made by
`test:consumers` from the same wheel) when it exists, with the wheel reinstalled into it;
otherwise .tmp/readme-python/venv (git-ignored, kept between runs) with
consumers/python/requirements.txt and the wheel.

Usage: python3 test/readme/wheel_readme.py [--list]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRELUDE = os.path.join(ROOT, 'test', 'readme', 'python-prelude.py')
PRELUDE_MARKER = '        # here\n'
RUNNER = os.path.join(ROOT, 'test', 'readme', 'run_blocks.py')

FENCE = re.compile(r'^(?P<indent>[ ]*)```python[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$', re.MULTILINE | re.DOTALL)


def fail(message):
    print(f'wheel README: {message}', file=sys.stderr)
    sys.exit(1)


def the_wheel():
    wheels = glob.glob(os.path.join(ROOT, 'dist', 'python', '*.whl'))
    if len(wheels) != 1:
        fail(f'expected exactly one wheel in dist/python, found {len(wheels)}: run "npx projen package:python" first')
    return wheels[0]


def long_description(wheel):
    """The README as PyPI shows it: the body of the wheel's METADATA, after the headers."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith('.dist-info/METADATA')]
        if len(names) != 1:
            fail(f'{wheel} has {len(names)} METADATA files')
        metadata = archive.read(names[0]).decode('utf-8')
    headers, _, body = metadata.partition('\n\n')
    if 'Description-Content-Type: text/markdown' not in headers:
        fail('the METADATA does not declare a Markdown description')
    return body


def python_blocks(text, where):
    """(where and line, code) of every ```python block, dedented (blocks may sit in list items)."""
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count('\n', 0, match.start()) + 1
        indent = len(match.group('indent'))
        code = ''.join(l[indent:] if l.startswith(' ' * indent) else l for l in match.group('body').splitlines(True))
        blocks.append((f'{where} line {line}', code))
    return blocks


def docs_blocks():
    blocks = []
    for page in sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md'))):
        with open(page, encoding='utf-8') as f:
            blocks += python_blocks(f.read(), f'docs/{os.path.basename(page)}')
    return blocks


def kind_of(code):
    if re.search(r'\bself\b', code):
        return 'fragment'
    if re.search(r'\bApp\(', code) and '.synth()' in code:
        return 'app'
    fail('a Python block is neither an app (App() and synth()) nor a fragment (uses self):\n' + code)


def program(code, kind):
    if kind == 'app':
        return code
    with open(PRELUDE, encoding='utf-8') as f:
        prelude = f.read()
    if PRELUDE_MARKER not in prelude:
        fail(f'{PRELUDE} lost its "# here" line')
    return prelude.replace(PRELUDE_MARKER, textwrap.indent(code, ' ' * 8) + '\n')


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail(f'{" ".join(args)} failed:\n{result.stdout}\n{result.stderr}')


def the_python(wheel):
    """A virtual environment with the wheel installed (see the module docstring)."""
    consumer = os.path.join(ROOT, 'consumers', 'python', '.work', 'venv', 'bin', 'python')
    if os.path.exists(consumer):
        run([consumer, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--no-deps', '--force-reinstall', wheel])
        return consumer
    venv = os.path.join(ROOT, '.tmp', 'readme-python', 'venv')
    python = os.path.join(venv, 'bin', 'python')
    requirements = os.path.join(ROOT, 'consumers', 'python', 'requirements.txt')
    if not os.path.exists(python):
        run([sys.executable, '-m', 'venv', venv])
    run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', requirements])
    run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--no-deps', '--force-reinstall', wheel])
    return python


def numbered(code):
    return ''.join(f'{i:4} | {line}' for i, line in enumerate(code.splitlines(True), start=1))


def main():
    wheel = the_wheel()
    blocks = python_blocks(long_description(wheel), 'README (wheel METADATA)')
    if not blocks:
        fail(f'the README in {os.path.basename(wheel)} has no Python block')
    readme_blocks = len(blocks)
    blocks += docs_blocks()
    if '--list' in sys.argv:
        for where, code in blocks:
            print(f'--- {where} ({kind_of(code)})\n{code}')
        return

    python = the_python(wheel)
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith('AWS_') and key not in ('CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'CDK_CONTEXT_JSON')
    }
    env.update({'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_REGION': 'us-east-1', 'AWS_DEFAULT_REGION': 'us-east-1'})

    failures = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='wheel-readme-') as work:
        scripts = []
        for number, (line, code) in enumerate(blocks, start=1):
            script = os.path.join(work, f'block{number}.py')
            with open(script, 'w', encoding='utf-8') as f:
                f.write(program(code, kind_of(code)))
            scripts.append(script)
        # One process for all blocks: loading the jsii runtime and aws-cdk-lib takes about 8 s here.
        result = subprocess.run([python, RUNNER, *scripts], cwd=work, capture_output=True, text=True, env=env, timeout=600)
        outcomes = dict(re.findall(r'^RESULT (block\d+\.py) (ok|error) ', result.stdout, re.MULTILINE))
        times = dict(re.findall(r'^RESULT (block\d+\.py) \w+ ([\d.]+)$', result.stdout, re.MULTILINE))
        for number, ((line, code), script) in enumerate(zip(blocks, scripts), start=1):
            name = os.path.basename(script)
            outdir = script[:-len('.py')] + '.out'
            templates = glob.glob(os.path.join(outdir, '*.template.json'))
            ok = outcomes.get(name) == 'ok' and os.path.exists(os.path.join(outdir, 'manifest.json')) and templates
            print(f'{"ok  " if ok else "FAIL"} Python block {number} ({line}, {kind_of(code)}): '
                  f'{len(templates)} template(s), {times.get(name, "?")} s')
            if not ok:
                failures += 1
                with open(script, encoding='utf-8') as f:
                    print(f'\n{name}:\n{numbered(f.read())}', file=sys.stderr)
        if failures or result.returncode != 0:
            print(f'\nrunner exit code {result.returncode}\n{result.stdout}\n{result.stderr}', file=sys.stderr)
            failures = failures or 1
    print(f'{len(blocks) - failures} of {len(blocks)} Python blocks ran ({readme_blocks} of the README in '
          f'{os.path.basename(wheel)}, {len(blocks) - readme_blocks} of docs/) in {time.monotonic() - started:.1f} s')
    if failures:
        sys.exit(1)


if __name__ == '__main__':
    main()
