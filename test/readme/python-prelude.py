# The Python side of rosetta/default.ts-fixture: a fragment (a snippet that uses `self`) runs
# inside this stack's constructor, as rosetta compiled its TypeScript. Like the fixture, it
# imports nothing under a name a block may use: each block must bring its own imports, as printed.
# test/readme.test.ts checks that.
from aws_cdk import App as _FixtureApp, Stack as _FixtureStack
from constructs import Construct as _FixtureConstruct


class Fixture(_FixtureStack):
    def __init__(self, scope: _FixtureConstruct, id: str) -> None:
        super().__init__(scope, id)

        # here


_fixture_app = _FixtureApp()
Fixture(_fixture_app, "Fixture")
_fixture_app.synth()
