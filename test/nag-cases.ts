/**
 * What the cdk-nag tests check, for both majors (test/cdk-nag.test.ts with cdk-nag 2 here,
 * test/nag3/cdk-nag3.test.ts with cdk-nag 3 in .tmp/nag3): every variant, environment-agnostic and
 * in an explicit environment, and the docs' Chat example exactly as written; the six packs; and the
 * few findings on resources the test stack creates in the user's role, acknowledged with reasons.
 * This file imports no cdk-nag: each test applies the acknowledgements with its major's API.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Environment, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import * as ts from 'typescript';
import * as lib from '../src';
import { EXPLICIT_ENV, VARIANTS } from './variants';

/** The six packs, by the prefix of the rule IDs they report, and each major's class name. */
export const PACKS = [
  { prefix: 'AwsSolutions', className: 'AwsSolutionsChecks' },
  { prefix: 'HIPAA.Security', className: 'HIPAASecurityChecks' },
  { prefix: 'NIST.800.53.R4', className: 'NIST80053R4Checks' },
  { prefix: 'NIST.800.53.R5', className: 'NIST80053R5Checks' },
  { prefix: 'PCI.DSS.321', className: 'PCIDSS321Checks' },
  { prefix: 'Serverless', className: 'ServerlessChecks' },
] as const;

export interface UserAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

export interface NagCase {
  /** `<variant> (<environment>)`. */
  readonly name: string;
  readonly build: (app: App) => Stack;
  /**
   * Findings acknowledged by the test, by the path of the resource in the stack: only resources
   * the test stack creates in the user's role. Nothing the library creates is acknowledged here:
   * its acknowledgements are on its own resources, for cdk-nag 2 and 3 (src/private/nag.ts).
   */
  readonly acknowledged: Record<string, UserAcknowledgement[]>;
}

const USER_LOG_GROUP: Record<string, UserAcknowledgement[]> = {
  TrailLogGroup: ['NIST.800.53.R4', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
    id: `${pack}-CloudWatchLogGroupEncrypted`,
    reason: 'The CloudTrail log group belongs to the user (here the test stack stands in for them); the construct ' +
      'only reads it through a metric filter. Whether to encrypt it with a KMS key is the trail owner\'s choice ' +
      '(AWS Control Tower does not).',
  })),
};

/** The TypeScript block of docs/event-notifications.md that subscribes a Slack channel. */
export function chatExampleCode(): string {
  const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'event-notifications.md'), 'utf8');
  const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]).filter((code) => code.includes('SlackChannelConfiguration'));
  if (blocks.length !== 1) throw new Error(`expected one Slack example in docs/event-notifications.md, found ${blocks.length}`);
  return blocks[0];
}

/** The modules a docs snippet may import, as the snippet names them. */
const SNIPPET_MODULES: Record<string, Record<string, unknown>> = {
  'aws-cdk-lib/aws-chatbot': chatbot,
  'aws-cdk-lib/aws-iam': iam,
  'cdk-root-usage-alarm': lib,
};

/**
 * Runs a docs snippet as written, inside a stack (the rosetta fixture's `this`), with the imports
 * the snippet itself declares (`import * as x from '...'` and `import { A, B } from '...'`).
 */
export function runSnippet(stack: Stack, code: string): void {
  const scope: Record<string, unknown> = {};
  const body = code.replace(/^import\s+(?:\*\s+as\s+(\w+)|\{([^}]*)\})\s+from\s+'([^']+)';\s*$/gm, (_line, star, named, from) => {
    const mod = SNIPPET_MODULES[from];
    if (!mod) throw new Error(`the snippet imports ${from}, which the test does not provide`);
    if (star) scope[star] = mod;
    for (const name of (named ?? '').split(',').map((n: string) => n.trim()).filter(Boolean)) scope[name] = mod[name];
    return '';
  });
  const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function(...Object.keys(scope), js).call(stack, ...Object.values(scope));
}

const ENVIRONMENTS: { label: string; env?: Environment }[] = [
  { label: 'environment-agnostic' },
  { label: 'explicit environment', env: EXPLICIT_ENV },
];

/** Variants whose stacks always have the explicit environments they are built with (the `env` given is ignored). */
const OWN_ENVIRONMENT = [
  'management-account-forwarder', 'management-account-central', 'real-time-member-alarms', 'real-time-member-alarms-forwarder',
];

export const NAG_CASES: NagCase[] = ENVIRONMENTS.flatMap(({ label, env }) => [
  ...VARIANTS
    // The member template is environment-agnostic by nature, the management account's stacks
    // have their explicit environments by nature: each checked once.
    .filter((variant) => env === undefined || !['real-time-member', 'real-time-member-alarms-member', ...OWN_ENVIRONMENT].includes(variant.name))
    .map((variant) => ({
      name: `${variant.name} (${OWN_ENVIRONMENT.includes(variant.name) ? 'its own explicit environment' : label})`,
      build: (app: App) => variant.build(app, env).stack,
      acknowledged: variant.name === 'log-group' ? USER_LOG_GROUP : {},
    })),
  {
    name: `docs Chat example (${label})`,
    build: (app: App) => {
      const stack = new Stack(app, 'ChatExample', { env });
      runSnippet(stack, chatExampleCode());
      return stack;
    },
    acknowledged: {},
  },
]);

/** The construct at `path` below `stack`. */
export function findConstruct(stack: Stack, constructPath: string): IConstruct {
  return constructPath.split('/').reduce<IConstruct>((parent, id) => parent.node.findChild(id), stack);
}
