/** Text helpers: subject sanitizing, byte-bounded truncation, invisible and control characters out. */

/**
 * Characters that must never reach a reader: C0 and C1 controls (a line break is added by the
 * renderer, never taken from a value), DEL, bidirectional overrides and isolates (they reorder
 * what is shown: "Trojan Source"), zero-width and other invisible format characters, line and
 * paragraph separators, the replacement and object characters, and unpaired surrogates.
 */
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffc]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Characters that are removed outright (they carry hidden text, or change a glyph, and show
 * nothing of their own): Unicode tag characters U+E0000-U+E007F (invisible ASCII "smuggled" in a
 * name), the combining grapheme joiner U+034F, and the variation selectors U+FE00-U+FE0F and
 * U+E0100-U+E01EF. Written as surrogate pairs so the pattern needs no `u` flag.
 */
export const STRIPPED_CHARS = /\udb40[\udc00-\udc7f\udd00-\uddef]|[\u034f\ufe00-\ufe0f]/g;

/** Removes the stripped characters (STRIPPED_CHARS). */
export function stripHidden(s: string): string {
  return s.replace(STRIPPED_CHARS, '');
}

/** Every stripped character (STRIPPED_CHARS) of a value is removed, every other unsafe one (UNSAFE_CHARS) becomes a space. */
export function visibleText(s: string): string {
  return stripHidden(s).replace(UNSAFE_CHARS, ' ');
}

/** A whole body: unsafe characters out, line breaks kept (the renderer's own). */
export function safeBody(s: string): string {
  return s.split('\n').map(visibleText).join('\n');
}

/** SNS's limit: a subject is under 100 characters, ASCII, no line breaks or control characters. */
export const MAX_SUBJECT_CHARS = 99;

/**
 * Printable ASCII only: control characters and line breaks become a space, other non-ASCII
 * characters become '?', runs of whitespace collapse to one space, ends are trimmed.
 */
export function toSubjectText(s: string): string {
  return stripHidden(s)
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

/** One line of free text for a message body: control and invisible characters out, length bounded. */
export function oneLine(s: string, max = 1000): string {
  return truncateChars(visibleText(s).replace(/ {2,}/g, ' ').trim(), max);
}

/**
 * Chat plain text (titles, summaries, anything outside a code span): only ASCII letters, digits,
 * space and `-`. Nothing left can start a mention (`@`, `<`), a link (`:`, `/`, `.`, `[`), an
 * emoji code (`:`) or formatting (`*`, `_`, `~`, `` ` ``, `>`, `#`, `|`).
 */
export function chatWord(s: string): string {
  return toSubjectText(s).replace(/[^A-Za-z0-9 -]/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * Chat text inside a code span: printable ASCII only, no backtick (it would end the span), none
 * of `<>&@|*_~[]()!#\\` (mentions, links and formatting of the chat platforms, in case a client
 * renders inside code; with `_` gone no emoji code of a chat platform can be spelled except
 * single-word ones, which no platform renders inside code), `://` broken so that no client turns
 * it into a link; bounded. ARNs (`arn:aws:iam::aws:policy/...`) stay readable.
 */
export function chatCode(s: string, max = 300): string {
  const ascii = toSubjectText(s).replace(/[`<>&@|*_~[\]()!#\\]/g, '?');
  const unlinked = ascii.replace(/:\/\//g, ': //').replace(/\bwww\./gi, 'www?');
  return truncateChars(unlinked, max) || '-';
}
