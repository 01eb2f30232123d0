/**
 * cfn-lint: no error and no warning on the synthesized template of any variant.
 *
 * cfn-lint is the pinned release that `npx projen cfn-lint:install` puts into .venv/ (the `test`
 * task runs it before jest). Without it this test fails: it never skips.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BROKEN_TEMPLATE, lintTemplates } from './cfn-lint-runner';
import { VARIANTS } from './variants';

let findings: Map<string, string[]>;

beforeAll(() => {
  findings = lintTemplates({
    ...Object.fromEntries(VARIANTS.map((variant) => [variant.name, Template.fromStack(variant.build(new App()).stack).toJSON()])),
    broken: BROKEN_TEMPLATE,
  });
}, 120_000);

test.each(VARIANTS)('no cfn-lint error or warning, variant $name', ({ name }) => {
  expect(findings.get(name)).toEqual([]);
});

test('no finding on an unknown file', () => {
  expect(findings.get('(unknown file)')).toBeUndefined();
});

test('cfn-lint rejects a broken template in the same run', () => {
  expect(findings.get('broken')!.join('\n')).toMatch(/:E\d+:/);
});
