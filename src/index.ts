export * from './alarm-topic';
export * from './event-notifier';
export * from './log-pattern-alarm';
export * from './root-usage-alarm';
export * from './cis-monitoring-alarms';
export * from './real-time-root-alerts';
export * from './root-event-forwarder';
export * from './root-usage-dashboard';
