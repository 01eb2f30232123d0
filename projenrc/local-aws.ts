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
 * `moto:install` puts moto into `.venv/` (git-ignored, shared with cfn-lint and shellcheck); the
 * `test` task runs it first, so that the jest tests find `.venv/bin/python -m moto.server`.
 * Skipped when the pinned moto is already there.
 */
export function addLocalAws(project: awscdk.AwsCdkConstructLibrary): void {
  const motoInstall = project.addTask('moto:install', {
    description: `Install moto ${MOTO_VERSION} (a local implementation of AWS APIs, for tests on 127.0.0.1) into .venv/ (skipped when it is already there)`,
    condition: `! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('moto') != '${MOTO_VERSION}' or m.version('jsonpath-ng') != '${JSONPATH_NG_VERSION}')" 2>/dev/null`,
    steps: [
      { exec: 'python3 -m venv .venv' },
      { exec: `.venv/bin/pip install --quiet --disable-pip-version-check "moto==${MOTO_VERSION}" "flask==${FLASK_VERSION}" "flask-cors==${FLASK_CORS_VERSION}" "jsonpath-ng==${JSONPATH_NG_VERSION}"` },
    ],
  });
  project.testTask.prependSpawn(motoInstall);
}
