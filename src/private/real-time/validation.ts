import { Token } from 'aws-cdk-lib';
import { PropValidator } from '../validation';

/** The synthesis-time checks of the real-time path's props (tokens pass unchecked). */
export class RealTimeValidator extends PropValidator {
  /** `o-` and 10 to 32 lowercase letters or digits (AWS Organizations). */
  public organizationId(prop: string, value: string): void {
    if (Token.isUnresolved(value)) return;
    if (!/^o-[a-z0-9]{10,32}$/.test(value)) {
      this.fail(prop, `must be an organization ID: "o-" and 10 to 32 lowercase letters or digits (got "${value}")`);
    }
  }

  /** At least one root (`r-...`) or organizational unit (`ou-...`) ID, none twice. */
  public organizationalUnitIds(prop: string, values: string[]): void {
    if (Token.isUnresolved(values)) return;
    this.eachOnce(prop, values, 'must list at least one organization root (r-...) or organizational unit (ou-...) ID',
      /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
      'must be an organization root ID like "r-ab12" or an organizational unit ID like "ou-ab12-cd34ef56"');
  }

  /** At least one region name, none twice. */
  public regions(prop: string, values: string[] | undefined): void {
    if (values === undefined || Token.isUnresolved(values)) return;
    this.eachOnce(prop, values, 'must list at least one region (leave it unset for us-east-1 and this stack\'s region)',
      /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be a region name like "us-east-1"');
  }

  /** A non-empty list whose every value (tokens aside) matches `pattern`, none twice. */
  private eachOnce(prop: string, values: string[], whenEmpty: string, pattern: RegExp, rule: string): void {
    if (values.length === 0) this.fail(prop, whenEmpty);
    const seen = new Set<string>();
    values.forEach((value, index) => {
      if (Token.isUnresolved(value)) return;
      if (!pattern.test(value)) this.fail(`${prop}[${index}]`, `${rule} (got "${value}")`);
      if (seen.has(value)) this.fail(prop, `must not list "${value}" twice`);
      seen.add(value);
    });
  }

  /** An event bus name: 1 to 256 characters of `[.-_A-Za-z0-9]`, not "default". */
  public eventBusName(prop: string, value: string): void {
    if (Token.isUnresolved(value)) return;
    if (!/^[.\-_A-Za-z0-9]{1,256}$/.test(value)) {
      this.fail(prop, `must be 1 to 256 characters of [.-_A-Za-z0-9] (got "${value}")`);
    }
    if (value === 'default') this.fail(prop, 'must not be "default": the central bus is a bus of its own');
  }

  /** A stack set name: a letter, then letters, digits and hyphens, at most 128 characters. */
  public stackSetName(prop: string, value: string): void {
    if (Token.isUnresolved(value)) return;
    if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(value)) {
      this.fail(prop, `must start with a letter and contain only letters, digits and hyphens, at most 128 characters (got "${value}")`);
    }
  }

  /** A whole percentage from `min` to 100. */
  public percentage(prop: string, value: number, min: number): void {
    if (Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > 100) {
      this.fail(prop, `must be a whole number from ${min} to 100 (got ${value})`);
    }
  }

  /** An event bus ARN (`arn:<partition>:events:<region>:<account>:event-bus/<name>`). */
  public eventBusArn(prop: string, value: string): void {
    if (Token.isUnresolved(value)) return;
    if (!/^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus\/[.\-_A-Za-z0-9]{1,256}$/.test(value)) {
      this.fail(prop, `must be an event bus ARN like "arn:aws:events:eu-west-1:111122223333:event-bus/root-usage-real-time" (got "${value}")`);
    }
  }
}
