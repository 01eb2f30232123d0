import { Duration, Token } from 'aws-cdk-lib';

/**
 * The error of every synthesis-time check of the library: bad input, named as every jsii language
 * knows it. Its message always has one shape, `<Construct> at <construct path>: <what> <rule>`
 * (`<Construct>: ...` from a static method, which has no path), for example
 * `RootUsageAlarm at Security/RootUsage: metricNamespace must not start with "AWS/", ...`.
 *
 * Private on purpose: jsii cannot export a class that extends `Error` (it is not a jsii type), and
 * Python, Java and Go never see a JavaScript error's class anyway (the jsii runtime raises its own
 * error type there: a `RuntimeError` in Python, a `software.amazon.jsii.JsiiException` in Java, a
 * Go `panic`, each with the message). What every language sees is the message, so the message's
 * shape is the contract; in TypeScript, the class and its `name` (`ValidationError`, as
 * aws-cdk-lib's own) tell it apart as well. test/validation-errors.test.ts checks both.
 */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

/**
 * Synthesis-time checks shared by the constructs. Each throws a {@link ValidationError} whose
 * message names the construct, the prop and the rule; values that are unresolved tokens are passed
 * through unchecked (they are only known at deployment).
 */
export class PropValidator {
  /** @param owner `<Construct> at <construct path>`, or `<Construct>` in a static method. */
  constructor(private readonly owner: string) {}

  /** Throws `<owner>: <prop> <rule>`. */
  public fail(prop: string, rule: string): never {
    throw new ValidationError(`${this.owner}: ${prop} ${rule}`);
  }

  /** CloudWatch metric namespaces and names as a metric filter accepts them. */
  public metricIdentifier(prop: string, value: string | undefined): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (value.length === 0) this.fail(prop, 'must not be empty');
    if (value.length > 255) this.fail(prop, `must be at most 255 characters long (got ${value.length})`);
    const bad = value.match(/[:*$]/);
    if (bad) this.fail(prop, `must not contain ":", "*" or "$" (got "${value}")`);
    if (value.startsWith('AWS/')) {
      this.fail(prop, `must not start with "AWS/", which is reserved for AWS services (got "${value}")`);
    }
  }

  /** CloudWatch Logs log group names: 1 to 512 characters of `[.\-_/#A-Za-z0-9]`. */
  public logGroupName(prop: string, value: string | undefined): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (value.length < 1 || value.length > 512) {
      this.fail(prop, `must be 1 to 512 characters long (got ${value.length})`);
    }
    if (!/^[.\-_/#A-Za-z0-9]+$/.test(value)) {
      this.fail(prop, `may only contain the characters [.-_/#A-Za-z0-9] (got "${value}")`);
    }
  }

  /** A list of email addresses: each well formed, none twice. */
  public emailAddresses(prop: string, values: string[] | undefined): void {
    if (values === undefined || Token.isUnresolved(values)) return;
    const seen = new Set<string>();
    values.forEach((value, index) => {
      if (Token.isUnresolved(value)) return;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
        this.fail(`${prop}[${index}]`, `must be an email address like "security@example.com" (got "${value}")`);
      }
      const key = value.toLowerCase();
      if (seen.has(key)) this.fail(prop, `must not list "${value}" twice`);
      seen.add(key);
    });
  }

  /**
   * A duration of whole minutes, from one minute to one day; returns the minutes. Unlike other
   * values, a token is rejected: aws-cdk-lib's `Metric` cannot take a period known only at
   * deployment, and the number of evaluation periods is computed from it at synthesis.
   */
  public wholeMinutes(prop: string, value: Duration): number {
    if (value.isUnresolved()) {
      this.fail(prop, 'must be known at synthesis (a Duration such as Duration.minutes(1)), not a token');
    }
    const millis = value.toMilliseconds();
    if (millis % 60_000 !== 0 || millis < 60_000) {
      this.fail(prop, `must be a whole number of minutes, at least 1 (got ${value.toHumanString()})`);
    }
    const minutes = millis / 60_000;
    if (minutes > 24 * 60) this.fail(prop, `must be at most 1 day (got ${value.toHumanString()})`);
    return minutes;
  }

  /** A string with a length limit, such as a name or a description. */
  public maxLength(prop: string, value: string | undefined, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (value.length === 0) this.fail(prop, 'must not be empty');
    if (value.length > max) this.fail(prop, `must be at most ${max} characters long (got ${value.length})`);
  }
}
