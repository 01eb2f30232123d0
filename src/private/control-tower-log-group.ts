import { Annotations, ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { Construct } from 'constructs';
import { PropValidator } from './validation';

/**
 * Which log group the library's alarms watch when the user names none: the group that the AWS
 * Control Tower organization trail writes to now, found at synthesis the CDK way (a context
 * lookup, answered by the CDK CLI and cached in `cdk.context.json`, like `Vpc.fromLookup`).
 *
 * Why a lookup (CONTRIBUTING.md, "The Control Tower log group"): landing zones set up with
 * Control Tower 4.0 write the trail to `aws-controltower/CloudTrailLogs-<random>`, 3.x ones to
 * `aws-controltower/CloudTrailLogs`; only the trail knows (its `CloudWatchLogsLogGroupArn`).
 * The CDK CLI's Cloud Control provider (`cc-api-provider`) reads it with `GetResource` of
 * `AWS::CloudTrail::Trail` `aws-controltower-BaselineCloudTrail`, so the template keeps a
 * literal log group name: no custom resource, no Lambda function, no asset.
 */

/** The organization trail that AWS Control Tower creates in the management account's home region. */
export const CONTROL_TOWER_TRAIL_NAME = 'aws-controltower-BaselineCloudTrail';

/** The log group of that trail on landing zones set up before 4.0. */
export const CONTROL_TOWER_3X_LOG_GROUP_NAME = 'aws-controltower/CloudTrailLogs';

/** The CDK CLI's Cloud Control API context provider (cloud-assembly-schema `ContextProvider.CC_API_PROVIDER`). */
export const CC_API_PROVIDER = 'cc-api-provider';

/** Warning ID when the stack has no account and region to look the trail up in. */
export const NOT_LOOKED_UP_WARNING = 'cdk-root-usage-alarm:controlTowerLogGroupNotLookedUp';

/** The first aws-cdk-lib whose cloud assembly schema (40.6) has the Cloud Control context provider. */
export const LOOKUP_MIN_CDK_VERSION = '2.182.0';

/**
 * Whether the installed aws-cdk-lib can ask the CDK CLI for a Cloud Control lookup: older
 * releases refuse to write an assembly that names a provider their schema does not list
 * ("instance.missing[0].provider is not one of enum values").
 */
export function lookupSupported(): boolean {
  return Object.values(cxschema.ContextProvider as Record<string, string>).includes(CC_API_PROVIDER);
}

/**
 * The lookup's provider props. `ignoreErrorOnMissingContext` and `dummyValue` are provider props
 * (the CLI reads them there) written here rather than through `GetContextValueOptions.mustExist`,
 * which aws-cdk-lib 2.93 does not have: the same props, so the same `cdk.context.json` key, on
 * every aws-cdk-lib. The dummy `[]` is what the CLI stores when there is no such trail; a found
 * trail is always a list of one.
 */
export const LOOKUP_PROPS = {
  typeName: 'AWS::CloudTrail::Trail',
  exactIdentifier: CONTROL_TOWER_TRAIL_NAME,
  propertiesToReturn: ['CloudWatchLogsLogGroupArn'],
  ignoreErrorOnMissingContext: true,
  dummyValue: [],
};

/** The CDK CLI's marker of a failed lookup in the context it passes (cx-api `PROVIDER_ERROR_KEY`). */
const PROVIDER_ERROR_KEY = '$providerError';

/** Where the watched log group came from. */
export interface TrailLogGroup {
  readonly logGroup: logs.ILogGroup;
  /**
   * The trail known to write to the group (the Control Tower trail when the group was found
   * through it or assumed to be its 3.x group); undefined when the user named the group.
   */
  readonly trailName?: string;
}

/** The `cdk.context.json` key of the lookup for a scope's stack. */
export function lookupContextKey(scope: Construct): string {
  return ContextProvider.getKey(scope, { provider: CC_API_PROVIDER, props: LOOKUP_PROPS }).key;
}

/**
 * The log group for `logGroup` / `logGroupName`, or, with neither, the group the Control Tower
 * trail writes to. `id` is the child id of the imported group (part of no logical ID: an
 * imported group creates no resource).
 */
export function trailLogGroup(
  scope: Construct,
  id: string,
  validate: PropValidator,
  props: { readonly logGroup?: logs.ILogGroup; readonly logGroupName?: string },
): TrailLogGroup {
  if (props.logGroup) return { logGroup: props.logGroup, trailName: TRAILS.get(props.logGroup) };
  if (props.logGroupName !== undefined) {
    return { logGroup: logs.LogGroup.fromLogGroupName(scope, id, props.logGroupName) };
  }
  const name = controlTowerLogGroupName(scope, validate);
  const logGroup = logs.LogGroup.fromLogGroupName(scope, id, name);
  TRAILS.set(logGroup, CONTROL_TOWER_TRAIL_NAME);
  return { logGroup, trailName: CONTROL_TOWER_TRAIL_NAME };
}

/**
 * The trail of each log group found through it, so that a construct handed such a group (the
 * alarms of `CisMonitoringAlarms`) knows its trail too.
 */
const TRAILS = new WeakMap<logs.ILogGroup, string>();

function controlTowerLogGroupName(scope: Construct, validate: PropValidator): string {
  const stack = Stack.of(scope);
  const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  if (agnostic || !lookupSupported()) {
    const why = agnostic
      ? 'the stack has no explicit account and region'
      : `this aws-cdk-lib is older than ${LOOKUP_MIN_CDK_VERSION}, whose CDK CLI lookups include the Cloud Control API`;
    const fix = agnostic
      ? 'Give the stack an env with the management account and home region (the group is then looked up), or give logGroupName: '
      : `Upgrade aws-cdk-lib to ${LOOKUP_MIN_CDK_VERSION} or newer (the group is then looked up), or give logGroupName: `;
    Annotations.of(scope).addWarningV2(
      NOT_LOOKED_UP_WARNING,
      `No logGroupName or logGroup was given and ${why}, so the log group of the ` +
      `AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} cannot be looked up: watching ${CONTROL_TOWER_3X_LOG_GROUP_NAME}, ` +
      'its name on landing zones set up before Control Tower 4.0. A 4.0 landing zone writes to ' +
      `${CONTROL_TOWER_3X_LOG_GROUP_NAME}-<suffix>, and the deployment then fails ("The specified log group does not exist"). ` +
      fix + `aws cloudtrail describe-trails --trail-name-list ${CONTROL_TOWER_TRAIL_NAME} --query 'trailList[].CloudWatchLogsLogGroupArn'`,
    );
    return CONTROL_TOWER_3X_LOG_GROUP_NAME;
  }

  const key = lookupContextKey(scope);
  const cached = scope.node.tryGetContext(key);
  const where = `account ${stack.account}, region ${stack.region}`;
  const setInstead =
    'Deploy this stack to the AWS Control Tower management account and home region, or give logGroupName: the group your ' +
    `organization trail writes to (aws cloudtrail describe-trails --region ${stack.region} --query 'trailList[].[Name,CloudWatchLogsLogGroupArn]')`;
  if (cached !== null && typeof cached === 'object' && !Array.isArray(cached) && PROVIDER_ERROR_KEY in cached) {
    const error = String(cached[PROVIDER_ERROR_KEY]);
    if (/CloudWatchLogsLogGroupArn/.test(error)) {
      validate.fail(
        'logGroupName',
        `was not given, and the AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} (${where}) delivers to no CloudWatch Logs ` +
        'log group: it has no CloudWatchLogsLogGroupArn, so no alarm could see root use. Turn on its CloudWatch Logs delivery ' +
        '(Control Tower landing zone settings, AWS CloudTrail integration), or give logGroupName of a group another trail of the ' +
        `organization writes to. ${setInstead}`,
      );
    }
    validate.fail(
      'logGroupName',
      `was not given, and looking up the log group of the AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} (${where}) failed: ` +
      `${error}. The lookup reads the trail with the Cloud Control API (cloudformation:GetResource, cloudtrail:GetTrail, ` +
      `cloudtrail:DescribeTrails; the bootstrap lookup role has them). ${setInstead}`,
    );
  }

  const value = ContextProvider.getValue(scope, {
    provider: CC_API_PROVIDER,
    props: LOOKUP_PROPS,
    dummyValue: [],
  }).value;
  // First synthesis: the CLI has not looked it up yet. Any valid name will do; the CLI looks the
  // trail up and synthesizes again with the answer.
  if (cached === undefined) return CONTROL_TOWER_3X_LOG_GROUP_NAME;

  if (!Array.isArray(value) || value.length === 0) {
    validate.fail(
      'logGroupName',
      `was not given, and ${where} has no AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} to take the log group from. ` +
      `${setInstead}. Then forget the cached answer: cdk context --reset '${key}'`,
    );
  }
  const arn = value[0]?.CloudWatchLogsLogGroupArn;
  const match = typeof arn === 'string' ? /^arn:[^:]+:logs:([^:]*):([^:]*):log-group:([.\-_/#A-Za-z0-9]+?)(:\*)?$/.exec(arn) : null;
  if (!match) {
    validate.fail(
      'logGroupName',
      `was not given, and the AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} (${where}) names no CloudWatch Logs log group ` +
      `(CloudWatchLogsLogGroupArn ${JSON.stringify(arn ?? null)} in cdk.context.json key '${key}'). ${setInstead}`,
    );
  }
  const [, region, account, name] = match;
  if (region !== stack.region || account !== stack.account) {
    validate.fail(
      'logGroupName',
      `was not given, and the AWS Control Tower trail ${CONTROL_TOWER_TRAIL_NAME} (${where}) writes to ${name} in account ` +
      `${account}, region ${region}: a metric filter must be in the group's own account and region. Deploy the stack there.`,
    );
  }
  return name;
}
