import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { RootEventForwarder } from '../../root-event-forwarder';
import { ValidationError } from '../validation';

/** The member template's parameter that carries the central event bus ARN. */
export const CENTRAL_EVENT_BUS_PARAMETER = 'CentralEventBusArn';

/** CloudFormation's limit on a template passed inline (`TemplateBody`), in bytes. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** What the member template depends on. */
export interface MemberTemplateOptions {
  /** Forward read-only root API calls too. */
  readonly allRootApiCalls: boolean;
}

/**
 * The stack that the stack set deploys to every member account and region: a
 * {@link RootEventForwarder} whose target is the bus named by the `CentralEventBusArn` parameter.
 * A plain template: no assets, no bootstrap version rule (member accounts are not bootstrapped).
 */
export function buildMemberStack(app: App, id: string, options: MemberTemplateOptions): Stack {
  const stack = new Stack(app, id, {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    description: 'Root-usage real-time alerts: forwards root sign-ins, root API calls and AssumeRoot calls to the central event bus (cdk-root-usage-alarm)',
  });
  const eventBusArn = new CfnParameter(stack, CENTRAL_EVENT_BUS_PARAMETER, {
    type: 'String',
    description: 'The ARN of the central event bus that receives the root-usage events',
    allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[.\\-_A-Za-z0-9]+$',
  });
  new RootEventForwarder(stack, 'Forwarder', {
    eventBusArn: eventBusArn.valueAsString,
    allRootApiCalls: options.allRootApiCalls,
  });
  return stack;
}

/**
 * The template without what the CDK CLI's context adds when it runs the app (construct paths,
 * asset metadata, the CDKMetadata resource): the member template is the same however the app is
 * run, and carries nothing about the deploying app into member accounts.
 */
function withoutCdkMetadata(template: any): any {
  const resources: Record<string, any> = {};
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') continue;
    const metadata = Object.fromEntries(Object.entries<any>(resource.Metadata ?? {})
      .filter(([key]) => !key.startsWith('aws:cdk:') && !key.startsWith('aws:asset:')));
    const { Metadata: _metadata, ...rest } = resource;
    resources[logicalId] = Object.keys(metadata).length > 0 ? { ...rest, Metadata: metadata } : rest;
  }
  const conditions = Object.fromEntries(Object.entries<any>(template.Conditions ?? {})
    .filter(([name]) => name !== 'CDKMetadataAvailable'));
  const { Conditions: _conditions, ...others } = template;
  return { ...others, ...(Object.keys(conditions).length > 0 ? { Conditions: conditions } : {}), Resources: resources };
}

/**
 * The member template as the stack set's `TemplateBody`: synthesized in an app of its own (in a
 * temporary folder, removed afterwards), compact JSON. Throws if it has assets or exceeds the
 * 51,200-byte limit of an inline template.
 */
export function synthesizeMemberTemplate(owner: string, options: MemberTemplateOptions): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-usage-member-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = buildMemberStack(app, 'RootUsageRealTimeMember', options);
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    if (artifact.assets.length > 0) {
      throw new ValidationError(`${owner}: the member template must not have assets (a stack set deploys a plain template)`);
    }
    const body = JSON.stringify(withoutCdkMetadata(artifact.template));
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > TEMPLATE_BODY_LIMIT) {
      throw new ValidationError(`${owner}: the member template is ${bytes} bytes, over the ${TEMPLATE_BODY_LIMIT}-byte limit of a TemplateBody`);
    }
    return body;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
