/** Text helpers: subject sanitizing, byte-bounded truncation. */

/** SNS's limit: a subject is under 100 characters, ASCII, no line breaks or control characters. */
export const MAX_SUBJECT_CHARS = 99;

/**
 * Printable ASCII only: control characters and line breaks become a space, other non-ASCII
 * characters become '?', runs of whitespace collapse to one space, ends are trimmed.
 */
export function toSubjectText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents dropped after decomposition: "Zürich" -> "Zurich"
    .replace(/[\u0000-\u001f\u007f\u0080-\u009f\u2028\u2029]/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Cuts a string to at most `max` characters, ending with "..." when cut. */
export function truncateChars(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 3) return s.slice(0, max);
  return `${s.slice(0, max - 3)}...`;
}

/** UTF-8 byte length. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * The longest prefix of `s` of at most `maxBytes` UTF-8 bytes that does not split a character
 * (nor a surrogate pair).
 */
export function prefixWithinBytes(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    const b = utf8Bytes(ch);
    if (bytes + b > maxBytes) break;
    bytes += b;
    i += ch.length;
  }
  return s.slice(0, i);
}

/** One line of free text for a message body: control characters out, length bounded. */
export function oneLine(s: string, max = 1000): string {
  return truncateChars(s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim(), max);
}
