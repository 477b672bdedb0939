/**
 * A fast path for the common shape of a `<ReportItem>`: quoted attributes, then child elements that hold only
 * text, all complete within one piece of input. It finds the structure with `indexOf` and checks the characters
 * in bulk with one regular expression, instead of saxes' character-by-character state machine (saxes was about
 * half of the adapter's time).
 * Anything outside that shape — comments, CDATA, processing instructions, nested elements, raw CR, an undefined or
 * malformed entity, a character XML forbids, a name outside ASCII, a duplicate attribute, a bound of
 * {@link ItemScanLimits} reached, an item cut by the end of the piece — makes {@link scanItem} return `undefined`
 * and the reader hands the item to saxes unchanged, so saxes stays the judge of every unusual input.
 */

/** The reader bounds the scanner respects (it leaves reaching them to saxes by declining). */
export interface ItemScanLimits {
  readonly maxNameChars: number;
  readonly maxAttributes: number;
  readonly maxTextChars: number;
}

/** A `<ReportItem>` read by {@link scanItem}. */
export interface ScannedItem {
  /** Attribute name → value, references resolved, tabs and line feeds turned into spaces (as saxes does). */
  readonly attributes: Record<string, string>;
  /**
   * The children in document order, three entries each: the name, then the start and end index of its raw text
   * in the scanned string (use {@link itemText} to decode it).
   */
  readonly children: (string | number)[];
  /** Index just after `</ReportItem>`. */
  readonly end: number;
  /** Line feeds between the item's `<` and the `>` that ends its start tag. */
  readonly linesInStartTag: number;
  /** Line feeds in the whole item. */
  readonly lines: number;
  /** Index of the item's last line feed, -1 when it has none. */
  readonly lastLineFeed: number;
}

const OPEN = '<ReportItem';
const CLOSE = '</ReportItem>';
const TAB = 0x09;
const LINE_FEED = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const APOSTROPHE = 0x27;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;
const CLOSE_BRACKET = 0x5d;

/** XML `NameStartChar`, ASCII part (`:` included: the reader does not use namespaces). */
function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a;
}

/** XML `NameChar`, ASCII part. */
function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e;
}

/** End index of the ASCII name starting at `start`, or -1 when there is none. */
function nameEnd(text: string, start: number): number {
  if (!isNameStart(text.charCodeAt(start))) return -1;
  let end = start + 1;
  while (isNameChar(text.charCodeAt(end))) end++;
  return end;
}

/** XML 1.0 `Char` (what saxes accepts from a character reference). */
function isXmlChar(code: number): boolean {
  return (
    code === TAB ||
    code === LINE_FEED ||
    code === 0x0d ||
    (code >= SPACE && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The predefined entity named by `text[start, end)` (`amp`, `lt`, `gt`, `quot`, `apos`), else `undefined`. */
function predefined(text: string, start: number, end: number): string | undefined {
  switch (end - start) {
    case 2:
      if (text.charCodeAt(start + 1) !== 0x74) return undefined;
      if (text.charCodeAt(start) === 0x6c) return '<';
      return text.charCodeAt(start) === 0x67 ? '>' : undefined;
    case 3:
      return text.startsWith('amp', start) ? '&' : undefined;
    case 4:
      if (text.startsWith('quot', start)) return '"';
      return text.startsWith('apos', start) ? "'" : undefined;
    default:
      return undefined;
  }
}

/**
 * The code point of the character reference in `text[start, end)` (`#…` between `&` and `;`), or -1 when saxes
 * would refuse it (malformed, or a character XML 1.0 forbids). Hex needs a lower-case `x`, as in saxes.
 */
function characterReference(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== HASH) return -1;
  const hex = text.charCodeAt(start + 1) === 0x78;
  const digitsStart = hex ? start + 2 : start + 1;
  if (digitsStart >= end) return -1;
  let code = 0;
  for (let at = digitsStart; at < end; at++) {
    const c = text.charCodeAt(at);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (hex && c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (hex && c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else return -1;
    code = code * (hex ? 16 : 10) + digit;
  }
  return isXmlChar(code) ? code : -1;
}

/**
 * The index after the reference that starts with the `&` at `at`, or -1 when saxes would refuse it. References
 * longer than 10 characters between `&` and `;` (only zero-padded character references) are declined.
 */
function referenceEnd(text: string, at: number): number {
  const limit = Math.min(text.length, at + 12);
  let semicolon = at + 1;
  while (semicolon < limit && text.charCodeAt(semicolon) !== SEMICOLON) semicolon++;
  if (semicolon >= limit) return -1;
  if (predefined(text, at + 1, semicolon) !== undefined) return semicolon + 1;
  return characterReference(text, at + 1, semicolon) >= 0 ? semicolon + 1 : -1;
}

/** `text[start, end)` with its references (already checked by {@link scanItem}) resolved. */
function resolveReferences(text: string, start: number, end: number): string {
  let at = text.indexOf('&', start);
  if (at < 0 || at >= end) return text.slice(start, end);
  let resolved = '';
  let from = start;
  while (at >= 0 && at < end) {
    const semicolon = text.indexOf(';', at + 1);
    const value =
      predefined(text, at + 1, semicolon) ??
      String.fromCodePoint(characterReference(text, at + 1, semicolon));
    resolved += text.slice(from, at) + value;
    from = semicolon + 1;
    at = text.indexOf('&', from);
  }
  return from < end ? resolved + text.slice(from, end) : resolved;
}

/** The decoded text of child `child` (0-based) of a scanned item. */
export function itemText(text: string, item: ScannedItem, child: number): string {
  const start = item.children[child * 3 + 1] as number;
  const end = item.children[child * 3 + 2] as number;
  return start === end ? '' : resolveReferences(text, start, end);
}

/** Where the next `<ReportItem` may start in `text` at or after `from`, -1 when none. */
export function nextItemStart(text: string, from: number): number {
  return text.indexOf(OPEN, from);
}

/**
 * Characters that may send an item to saxes, looked for in one pass: those XML 1.0 forbids (C0 controls but tab
 * and line feed, U+FFFE, U+FFFF), CR (saxes normalises line ends), the sequence `]]>` (forbidden in text), and
 * surrogates, which are fine in pairs (see {@link textAllowed}).
 */
const SUSPECT_TEXT = /[\x00-\x08\x0B-\x1F\uFFFE\uFFFF\uD800-\uDFFF]|\]\]>/;

/**
 * True when `text[start, end)` has none of the characters described at {@link SUSPECT_TEXT} except surrogate
 * pairs. One regular expression finds the first suspect character; from there on, a loop checks by hand (a
 * `u`-flag expression or a look-behind would cost about twice as much on text with emoji).
 */
function textAllowed(text: string, start: number, end: number): boolean {
  const suspect = SUSPECT_TEXT.exec(text.slice(start, end));
  if (suspect === null) return true;
  for (let at = start + suspect.index; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code < SPACE) {
      if (code !== LINE_FEED && code !== TAB) return false;
    } else if (code >= 0xd800) {
      if (code >= 0xfffe || (code >= 0xdc00 && code <= 0xdfff)) return false;
      if (code <= 0xdbff) {
        const low = text.charCodeAt(at + 1);
        if (at + 1 >= end || low < 0xdc00 || low > 0xdfff) return false;
        at++;
      }
    } else if (code === CLOSE_BRACKET && text.startsWith(']]>', at)) {
      return false;
    }
  }
  return true;
}

/** True when every `&` in `text[start, end)` starts a reference saxes resolves. */
function referencesValid(text: string, start: number, end: number): boolean {
  for (let at = text.indexOf('&', start); at >= 0 && at < end; at = text.indexOf('&', at + 1)) {
    const after = referenceEnd(text, at);
    if (after < 0 || after > end) return false;
  }
  return true;
}

function skipSpaces(text: string, start: number): number {
  let index = start;
  let code = text.charCodeAt(index);
  while (code === SPACE || code === LINE_FEED || code === TAB) code = text.charCodeAt(++index);
  return index;
}

/**
 * Reads the `<ReportItem>` that starts at `start` in `text` (`text.startsWith('<ReportItem', start)`), or returns
 * `undefined` when it does not have the simple shape described above or does not end within `text`. The
 * structure is found with `indexOf` and short loops; the characters are checked afterwards in bulk, with one
 * regular expression over the item (per-character loops in JavaScript measured slower than saxes here).
 */
export function scanItem(text: string, start: number, limits: ItemScanLimits): ScannedItem | undefined {
  let index = start + OPEN.length;
  let code = text.charCodeAt(index);
  if (code !== GT && code !== SPACE && code !== LINE_FEED && code !== TAB) return undefined;
  const attributes: Record<string, string> = Object.create(null);
  let attributeCount = 0;
  // Start tag: (spaces name spaces? = spaces? quoted-value)* spaces? >
  for (;;) {
    const spaced = index;
    index = skipSpaces(text, index);
    code = text.charCodeAt(index);
    if (code === GT) break;
    if (index === spaced) return undefined;
    const end = nameEnd(text, index);
    if (end < 0 || end - index > limits.maxNameChars) return undefined;
    const name = text.slice(index, end);
    index = skipSpaces(text, end);
    if (text.charCodeAt(index) !== EQUALS) return undefined;
    index = skipSpaces(text, index + 1);
    const quote = text.charCodeAt(index);
    if (quote !== QUOTE && quote !== APOSTROPHE) return undefined;
    const valueEnd = text.indexOf(quote === QUOTE ? '"' : "'", index + 1);
    if (valueEnd < 0 || valueEnd - index > limits.maxTextChars) return undefined;
    const raw = text.slice(index + 1, valueEnd);
    if (raw.includes('<') || attributes[name] !== undefined || ++attributeCount > limits.maxAttributes) {
      return undefined;
    }
    // Raw tabs and line feeds become spaces (as in saxes); references are resolved once the item is checked.
    attributes[name] = raw.includes('\n') || raw.includes('\t') ? raw.replace(/[\n\t]/g, ' ') : raw;
    index = valueEnd + 1;
  }
  const startTagEnd = index;
  index++;
  // Children: spaces? (<name>text</name> | <name/>) … spaces? </ReportItem>
  const children: (string | number)[] = [];
  for (;;) {
    index = skipSpaces(text, index);
    if (text.charCodeAt(index) !== LT) return undefined;
    if (text.charCodeAt(index + 1) === SLASH) {
      if (!text.startsWith(CLOSE, index)) return undefined;
      index += CLOSE.length;
      break;
    }
    const end = nameEnd(text, index + 1);
    const nameLength = end - index - 1;
    if (end < 0 || nameLength > limits.maxNameChars) return undefined;
    const name = text.slice(index + 1, end);
    code = text.charCodeAt(end);
    if (code === SLASH) {
      if (text.charCodeAt(end + 1) !== GT) return undefined;
      children.push(name, end, end);
      index = end + 2;
      continue;
    }
    if (code !== GT) return undefined;
    const textEnd = text.indexOf('<', end + 1);
    // The text must end with `</name>` exactly (anything else inside is left to saxes).
    if (
      textEnd < 0 ||
      textEnd - end > limits.maxTextChars ||
      text.charCodeAt(textEnd + 1) !== SLASH ||
      text.charCodeAt(textEnd + 2 + nameLength) !== GT ||
      !text.startsWith(name, textEnd + 2)
    ) {
      return undefined;
    }
    children.push(name, end + 1, textEnd);
    index = textEnd + 3 + nameLength;
  }
  if (!textAllowed(text, start, index) || !referencesValid(text, start, index)) return undefined;
  for (const name in attributes) {
    const value = attributes[name] ?? '';
    if (value.includes('&')) attributes[name] = resolveReferences(value, 0, value.length);
  }
  let lines = 0;
  let linesInStartTag = 0;
  let lastLineFeed = -1;
  for (let at = text.indexOf('\n', start); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) {
    lines++;
    if (at < startTagEnd) linesInStartTag++;
    lastLineFeed = at;
  }
  return { attributes, children, end: index, linesInStartTag, lines, lastLineFeed };
}
