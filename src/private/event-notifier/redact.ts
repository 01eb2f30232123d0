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

/** Keys whose values are secrets, whatever their case or place in the record. */
const SECRET_KEY = /(secret|passw(or)?d|passphrase|sessiontoken|securitytoken|accesstoken|refreshtoken|idtoken|authtoken|^token$|privatekey|samlresponse|samlassertion|^assertion$|^otp$|mfacode|authenticationcode|credentialsjson)/i;

/** Whether the value of `key` is a secret (accessKeyId is kept on purpose: it is the session's identity). */
export function isSecretKey(key: string): boolean {
  return /^accesskeyid$/i.test(key) ? false : SECRET_KEY.test(key);
}

/**
 * A copy of `value` with secrets replaced, objects deeper than MAX_RAW_DEPTH cut, and nothing
 * else changed. Iterates nothing twice; never throws on any JSON value.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_RAW_DEPTH) return '(nested too deep: not shown)';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
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
