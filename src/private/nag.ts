import * as cdk from 'aws-cdk-lib';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A reasoned acknowledgement of a cdk-nag rule on one of the library's resources, written so that
 * both cdk-nag majors honour it, without a dependency on cdk-nag:
 *
 * - cdk-nag 2 reads the CloudFormation resource metadata `cdk_nag.rules_to_suppress`, entries
 *   `{ id, reason, applies_to? }` (the format of its NagSuppressions): the reason is in the user's
 *   template for an auditor to read.
 * - cdk-nag 3 reads only CDK's own acknowledgements: construct metadata
 *   `aws:cdk:acknowledged-rules` (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`), an object of
 *   rule ID to reason, on the resource or an ancestor; a granular finding as `<rule>[<finding>]`,
 *   matched exactly. It is written where the loaded aws-cdk-lib has `Validations` (2.257 and
 *   newer; cdk-nag 3 needs them); older ones (down to the peer minimum) get the cdk-nag 2 form only.
 *   `Validations.acknowledge()` itself cannot take a finding such as
 *   `Resource::arn:<AWS::Partition>:...` (it reserves `::`), so the metadata is written directly,
 *   in the form cdk-nag 3 reads.
 */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  /**
   * Granular findings only (AwsSolutions-IAM5): each finding exactly as cdk-nag writes it
   * (`Action::<action>`, or `Resource::<ARN>` from {@link resourceFinding}).
   */
  readonly appliesTo?: string[];
}

/** The construct metadata type of CDK's acknowledgements, where aws-cdk-lib has `Validations`. */
function acknowledgedRulesKey(): string | undefined {
  const validations = (cdk as unknown as { Validations?: { ACKNOWLEDGED_RULES_METADATA_KEY?: string } }).Validations;
  return validations?.ACKNOWLEDGED_RULES_METADATA_KEY;
}

/** Adds the acknowledgements to the CloudFormation resource of `construct` (its default child). */
export function acknowledgeNagRules(construct: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to carry cdk-nag acknowledgements`);
  }
  for (const a of acknowledgements) {
    // cdk-nag base64-encodes reasons with characters above U+00FF; ours are ASCII.
    if ([...a.reason].some((ch) => ch.codePointAt(0)! > 255)) throw new Error(`cdk-nag reason of ${a.id} must be Latin-1`);
  }

  // cdk-nag 2: template metadata.
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map((a) => ({ reason: a.reason, id: a.id, ...(a.appliesTo ? { applies_to: a.appliesTo } : {}) })),
    ],
  });

  // cdk-nag 3: CDK's acknowledged rules, on the resource's construct node.
  const key = acknowledgedRulesKey();
  if (key === undefined) return;
  const rules: Record<string, string> = {};
  for (const a of acknowledgements) {
    for (const id of a.appliesTo ? a.appliesTo.map((finding) => `${a.id}[${finding}]`) : [a.id]) {
      rules[id] = a.reason;
    }
  }
  resource.node.addMetadata(key, rules);
}

/**
 * The IAM5 finding cdk-nag writes for a wildcard resource, `Resource::<ARN>`, with the ARN as it
 * flattens it: references as `<LogicalId>` or `<AWS::Region>`, literal values as written (an
 * explicit account and region appear as such). Known at synthesis, so the acknowledgement names
 * the exact finding in an environment-agnostic stack and in one with an explicit environment.
 */
export function resourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flatten(Stack.of(scope).resolve(arn))}`;
}

/** cdk-nag's flattenCfnReference (the same in 2.x and 3.x). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flatten(o['Fn::GetAtt'][0])}.${flatten(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}
