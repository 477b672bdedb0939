import { TRUNCATION_MARKER } from './limits.js';

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in Unicode code points (what "characters" means for ASFF limits; never splits a surrogate pair). */
export function codePointLength(text: string): number {
  // Fast path: no surrogates → UTF-16 length is the code point count.
  const first = text.search(SURROGATE);
  if (first < 0) return text.length;
  // Each high surrogate followed by a low one is one code point of two units; anything else is one unit.
  let n = text.length;
  for (let i = first; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}

/**
 * Shortens `text` to at most `max` code points, ending with the visible truncation marker.
 * Returns the text unchanged when it fits.
 */
export function truncateText(text: string, max: number): string {
  // A string never has more code points than UTF-16 units, nor fewer than half of them.
  if (text.length <= max || (text.length <= max * 2 && codePointLength(text) <= max)) return text;
  const marker = max > TRUNCATION_MARKER.length * 2 ? TRUNCATION_MARKER : '…';
  const keep = Math.max(0, max - codePointLength(marker));
  // Without surrogates in the first `keep` units, those units are the first `keep` code points.
  const head = text.slice(0, keep);
  if (!SURROGATE.test(head)) return head.trimEnd() + marker;
  // Otherwise walk code points by index and cut once.
  let end = 0;
  for (let n = 0; n < keep && end < text.length; n++) {
    end +=
      isHighSurrogate(text.charCodeAt(end)) &&
      end + 1 < text.length &&
      isLowSurrogate(text.charCodeAt(end + 1))
        ? 2
        : 1;
  }
  return text.slice(0, end).trimEnd() + marker;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Collapses whitespace runs and trims; used for one-line fields such as Title. */
export function oneLine(text: string): string {
  if (!/\s\s|[^\S ]/.test(text) && text.trim() === text) return text;
  return text.replace(/\s+/g, ' ').trim();
}

/** True when the string has at least one non-whitespace character (ASFF NonEmptyString). */
export function isNonBlank(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  const first = value.charCodeAt(0);
  // Fast path: a first character that is plainly not white space.
  if (first > 0x20 && first < 0x7f) return true;
  return /\S/.test(value);
}

const ACCESS_KEY_ID_PATTERN = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g;
// The label and separator are kept (group 1) and only the value is replaced, so JSON text stays JSON when the
// label is an object key: `"aws_secret_access_key":"abc…"` → `"aws_secret_access_key":"[REDACTED]"`.
const SECRET_PATTERN =
  /((?:aws_secret_access_key|aws_session_token|secret_?access_?key)["']?\s*[:=]\s*["']?)[^\s"'\\,;]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]*?-----END [A-Z ]*PRIVATE KEY-----/gi;

// A cheap literal pre-check first: the full patterns run only on text that could contain a credential.
const CREDENTIAL_HINT = /AKIA|ASIA|ABIA|ACCA|secret|session_token|PRIVATE KEY/i;

/** Replaces AWS credentials and private keys with `[REDACTED]`. Safe on serialized JSON (never touches quotes). */
export function redactCredentials(text: string): string {
  if (!CREDENTIAL_HINT.test(text)) return text;
  return text
    .replace(ACCESS_KEY_ID_PATTERN, '[REDACTED]')
    .replace(SECRET_PATTERN, (_match, label: string | undefined) => `${label ?? ''}[REDACTED]`);
}

/**
 * A necessary condition, tested on one raw (unserialized) string, for {@link hasCredentials} to find something in
 * the JSON text that string becomes. Every match of the credential patterns starts with one of these literals,
 * and a literal of letters, digits, `_`, `-` and spaces cannot straddle a JSON escape: escapes start with a
 * backslash, and the only letters an escape can end with are lowercase hex digits — so of all the starts only
 * `aws_…` (whose `a` can end `\u001a` or a lone surrogate's `\udXXa`) needs its tail matched instead, and the
 * pattern is case-insensitive like the secret pattern. Also true for some strings with no credential at all:
 * it only decides when the full serialized check can be skipped.
 */
// Spelled with explicit [Xx] classes instead of the `i` flag: the access-key prefixes are case-sensitive in
// ACCESS_KEY_ID_PATTERN, and V8 scans a case-sensitive alternation ~25 % faster (3.9 vs 5.4 µs per SARIF finding,
// measured). Non-unicode `i` folds only ASCII letters to ASCII letters, so the classes match the same text.
const CREDENTIAL_START =
  /AKIA|ASIA|ABIA|ACCA|[Ss][Ee][Cc][Rr][Ee][Tt]_?[Aa][Cc][Cc][Ee][Ss][Ss]|[Ww][Ss]_[Ss][Ee][Ss][Ss][Ii][Oo][Nn]_[Tt][Oo][Kk][Ee][Nn]|-----[Bb][Ee][Gg][Ii][Nn]/;

/** False when no JSON text containing `text` as a key or string value can make {@link hasCredentials} true. */
export function mayStartCredential(text: string): boolean {
  return text.length >= 4 && CREDENTIAL_START.test(text);
}

/** True when `text` contains something {@link redactCredentials} would redact. */
export function hasCredentials(text: string): boolean {
  if (!CREDENTIAL_HINT.test(text)) return false;
  ACCESS_KEY_ID_PATTERN.lastIndex = 0;
  SECRET_PATTERN.lastIndex = 0;
  const found = ACCESS_KEY_ID_PATTERN.test(text) || SECRET_PATTERN.test(text);
  ACCESS_KEY_ID_PATTERN.lastIndex = 0;
  SECRET_PATTERN.lastIndex = 0;
  return found;
}
