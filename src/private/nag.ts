import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A reasoned acknowledgement of a cdk-nag rule, written as cdk-nag reads it (resource metadata
 * `cdk_nag.rules_to_suppress`, entries `{ id, reason, applies_to? }`, the format of cdk-nag's
 * NagSuppressions), without a dependency on cdk-nag: a user who runs cdk-nag on their stack sees
 * no finding on these resources, and the reason is in their template for an auditor to read.
 */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  /** Granular findings only (cdk-nag's `appliesTo`): exact strings or `{ regex: '/.../' }`. */
  readonly appliesTo?: Array<string | { regex: string }>;
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
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map((a) => ({ reason: a.reason, id: a.id, ...(a.appliesTo ? { applies_to: a.appliesTo } : {}) })),
    ],
  });
}
