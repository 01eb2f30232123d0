/**
 * The raw event of a message is the CloudTrail record with every secret-bearing value replaced:
 * an `AssumeRoot` (or any STS) response carries `credentials.sessionToken` and may carry
 * `secretAccessKey`; other APIs carry passwords, private keys and tokens in their parameters or
 * responses. The access key ID is kept: it is the session's identity, not a secret.
 */

/** The text that replaces a secret. */
export const REDACTED = '(redacted by the root-usage event notifier)';

/** Deeper values are replaced too: nothing a record really holds is that deep. */
export const MAX_RAW_DEPTH = 32;

/**
 * The rules for keys whose values are secrets, whatever their case or place in the record; one
 * entry per rule, so that a test can name each (test/event-notifier/redact.test.ts). Keys are
 * compared with `_`, `-`, `.` and spaces removed (`api_key`, `X-Api-Key`, `github.token` too).
 */
export const SECRET_KEY_RULES: readonly RegExp[] = [
  /secret/i, /passw(or)?d/i, /passphrase/i, /pwd$/i,
  /sessiontoken/i, /securitytoken/i, /accesstoken/i, /refreshtoken/i, /idtoken/i, /authtoken/i, /githubtoken/i,
  /bearertoken/i, /^token$/i, /tokencode$/i,
  /apikey/i, /^authorization$/i, /cookie/i,
  /privatekey/i, /samlresponse/i, /samlassertion/i, /^assertion$/i, /^otp$/i, /mfacode/i, /authenticationcode/i, /credentialsjson/i,
  /userdata/i, /connectionstring/i, /connstr$/i, /^(database|db|jdbc|mongo|redis)url$/i, /^dsn$/i,
];

/** Whether the value of `key` is a secret (accessKeyId is kept on purpose: it is the session's identity). */
export function isSecretKey(key: string): boolean {
  const k = key.replace(/[\s_.-]/g, '');
  return /^accesskeyid$/i.test(k) ? false : SECRET_KEY_RULES.some((rule) => rule.test(k));
}

/**
 * Name/value pairs (`{Name, Value}`, `{name, value}`, `{Key, Value}`, `{ParameterKey,
 * ParameterValue}`, `{OptionName, Value}`): APIs put environment variables, parameters and tags in
 * arrays of these, so the key that names the secret is a value. The value sibling is redacted when
 * the name is a secret's.
 */
const PAIR_NAME = /^(name|key|parameterkey|optionname|variablename)$/i;
const PAIR_VALUE = /^(value|parametervalue|optionvalue|variablevalue)$/i;

/** A credential inside a URL or connection string (`scheme://user:password@host`, `Password=...;`). */
const INLINE_SECRET = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s@/]+@|((?:password|pwd|accountkey|sharedaccesskey|secret)\s*=\s*)[^;\s]+/gi;

/** A string with credentials inside URLs and connection strings replaced. */
export function redactInline(s: string): string {
  return s.replace(INLINE_SECRET, (_m, url: string | undefined, kv: string | undefined) => (url ? `${url}${REDACTED}@` : `${kv}${REDACTED}`));
}

/**
 * A copy of `value` with secrets replaced, objects deeper than MAX_RAW_DEPTH cut, and nothing
 * else changed. Iterates nothing twice; never throws on any JSON value.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactInline(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_RAW_DEPTH) return '(nested too deep: not shown)';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const entries = Object.entries(value as Record<string, unknown>);
  const pairName = entries.find(([k, v]) => PAIR_NAME.test(k) && typeof v === 'string');
  const secretPair = pairName !== undefined && isSecretKey(pairName[1] as string);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const secret = isSecretKey(k) || (secretPair && PAIR_VALUE.test(k));
    out[k] = secret && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** The record to show: redacted, with `responseElements.credentials` reduced to its key ID and expiration. */
export function redactRecord(raw: Record<string, unknown>): Record<string, unknown> {
  const copy = redact(raw) as Record<string, unknown>;
  const response = copy.responseElements;
  if (typeof response === 'object' && response !== null && !Array.isArray(response)) {
    const creds = (response as Record<string, unknown>).credentials;
    if (typeof creds === 'object' && creds !== null && !Array.isArray(creds)) {
      const kept: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(creds as Record<string, unknown>)) {
        kept[k] = /^(accessKeyId|expiration)$/i.test(k) ? v : REDACTED;
      }
      (response as Record<string, unknown>).credentials = kept;
    }
  }
  return copy;
}
