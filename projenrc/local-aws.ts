import { awscdk } from 'projen';

/**
 * moto, a local implementation of AWS APIs (PyPI), for the tests that stand in for AWS with a real
 * implementation of an API beside the SDK mocks (test/moto-server.ts starts it on 127.0.0.1).
 * Pinned: a new moto must not change what the tests prove without a change in this repository.
 * Only the server's own dependencies (flask, flask-cors) and the `events` extra are installed, not
 * `moto[server]`, whose extras (docker, cfn-lint, ...) weigh 300 MB and nothing here uses.
 */
export const MOTO_VERSION = '5.2.5';
const FLASK_VERSION = '3.1.3';
const FLASK_CORS_VERSION = '6.0.5';
/** moto's `events` extra: rule targets (input transformation) need it. */
const JSONPATH_NG_VERSION = '1.16.0';
/**
 * The AWS CLI v1 (PyPI `awscli`), for the tests that run the library's shell commands with bash
 * against moto (test/verify-command.test.ts): the same CLI a user runs, pointed at 127.0.0.1 with
 * `AWS_ENDPOINT_URL`. Installed in the same pip call as moto, so that one botocore serves both.
 */
export const AWSCLI_VERSION = '1.46.2';

/**
 * `moto:install` puts moto and the AWS CLI into `.venv/` (git-ignored, shared with cfn-lint and shellcheck); the
 * `test` task runs it first, so that the jest tests find `.venv/bin/python -m moto.server`.
 * Skipped when the pinned moto is already there.
 */
export function addLocalAws(project: awscdk.AwsCdkConstructLibrary): void {
  const motoInstall = project.addTask('moto:install', {
    description: `Install moto ${MOTO_VERSION} (a local implementation of AWS APIs, for tests on 127.0.0.1) and the AWS CLI ${AWSCLI_VERSION} into .venv/ (skipped when they are already there)`,
    condition: `! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('moto') != '${MOTO_VERSION}' or m.version('jsonpath-ng') != '${JSONPATH_NG_VERSION}' or m.version('awscli') != '${AWSCLI_VERSION}')" 2>/dev/null`,
    steps: [
      { exec: 'python3 -m venv .venv' },
      { exec: `.venv/bin/pip install --quiet --disable-pip-version-check "moto==${MOTO_VERSION}" "flask==${FLASK_VERSION}" "flask-cors==${FLASK_CORS_VERSION}" "jsonpath-ng==${JSONPATH_NG_VERSION}" "awscli==${AWSCLI_VERSION}"` },
    ],
  });
  project.testTask.prependSpawn(motoInstall);
}
