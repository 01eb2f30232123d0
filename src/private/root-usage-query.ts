/**
 * The CloudWatch Logs Insights query of root use, in parts: the alarm description's link runs the
 * whole query (RootUsageAlarm.INSIGHTS_QUERY), the dashboard's widgets (RootUsageDashboard) run
 * the same fields and filter with their own aggregation. One definition, so that a widget can never
 * count other events than the link lists.
 *
 * The filter is the CIS root-usage condition of RootUsageAlarm.FILTER_PATTERN in Logs Insights
 * syntax: `userIdentity.type = "Root"`, `userIdentity.invokedBy` absent, `eventType` not
 * `AwsServiceEvent`.
 */

/** The fields a responder needs: account, event, region, source IP, user agent, error, MFA, centralized root access. */
export const ROOT_USAGE_QUERY_FIELDS =
  'fields @timestamp, recipientAccountId, eventName, awsRegion, sourceIPAddress, userAgent, errorCode, ' +
  'additionalEventData.MFAUsed, userIdentity.sessionContext.assumedRoot';

/** The events the alarm counts. */
export const ROOT_USAGE_QUERY_FILTER =
  'filter userIdentity.type = "Root" and not ispresent(userIdentity.invokedBy) and eventType != "AwsServiceEvent"';

/** The events the alarm counts, newest first: the query of the alarm description's link. */
export const ROOT_USAGE_INSIGHTS_QUERY = `${ROOT_USAGE_QUERY_FIELDS} | ${ROOT_USAGE_QUERY_FILTER} | sort @timestamp desc`;
