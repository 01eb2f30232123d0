"""Runs README blocks in one Python process (the jsii runtime and aws-cdk-lib load once).

Called by test/readme/wheel_readme.py with the virtual environment's Python:
    python run_blocks.py <block1.py> <block2.py> ...
Each block runs as a script (`__name__ == "__main__"`) in a fresh namespace. Every `App` it
creates writes to `<block>.out`, as CDK_OUTDIR would make it (the jsii runtime reads the
environment once, so the variable cannot change between blocks of one process). Prints one line
per block, `RESULT <block> ok|error <seconds>`, and the traceback of a block that raised.
"""
import os
import sys
import time
import traceback

import aws_cdk

_App = aws_cdk.App
_outdir = {'value': None}


def App(*args, **kwargs):  # noqa: N802 - stands in for the class
    kwargs.setdefault('outdir', _outdir['value'])
    return _App(*args, **kwargs)


aws_cdk.App = App

for block in sys.argv[1:]:
    _outdir['value'] = block[:-len('.py')] + '.out'
    with open(block, encoding='utf-8') as f:
        source = f.read()
    started = time.monotonic()
    try:
        exec(compile(source, block, 'exec'), {'__name__': '__main__', '__file__': block})
        outcome = 'ok'
    except BaseException:  # a block may raise anything, SystemExit included
        traceback.print_exc()
        outcome = 'error'
    print(f'RESULT {os.path.basename(block)} {outcome} {time.monotonic() - started:.1f}', flush=True)
