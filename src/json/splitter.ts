import { Buffer } from 'node:buffer';
import { ConverterError, type ErrorCode } from '../errors.js';
import { describePath } from './path.js';
import type { JsonEvent, JsonKind, JsonPathSegment, JsonSelect, JsonStreamOptions } from './stream.js';
import { describeByte, findJsonSyntaxError, sanitizeExcerpt } from './syntax.js';

// One record larger than this is refused rather than held: no real scanner record comes close.
const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 1000;
/** Failed fast captures of indented containers after which a splitter stops trying them (see captureIndented). */
const MAX_INDENTED_MISSES = 16;
/** How many bytes of a non-JSON input the E_FORMAT message shows. */
const EXCERPT_BYTES = 24;

// What the splitter is doing with the current byte.
const MODE_STRUCTURE = 0; // between values of descended containers (or before/after the root)
const MODE_CONTAINER = 1; // inside a captured or skipped object/array: only depth and strings are tracked
const MODE_STRING = 2; // inside a string that is a key, or a captured or skipped scalar
const MODE_TOKEN = 3; // inside a number or literal
const MODE_NOT_JSON = 4; // collecting the excerpt of a non-JSON input before failing
const MODE_FAILED = 5;

// What MODE_STRUCTURE expects next.
const EXPECT_ROOT = 0;
const EXPECT_VALUE = 1; // after ':' or an array ','
const EXPECT_VALUE_OR_CLOSE = 2; // after '['
const EXPECT_KEY_OR_CLOSE = 3; // after '{'
const EXPECT_KEY = 4; // after an object ','
const EXPECT_COLON = 5;
const EXPECT_COMMA_OR_CLOSE = 6; // after a member or element
const EXPECT_END = 7; // after the root value

// What happens to the value being scanned when it ends.
const TARGET_SKIP = 0;
const TARGET_VALUE = 1;
const TARGET_KEY = 2;
const TARGET_RAW = 3;

const OBJECT = 1;
const ARRAY = 2;

// Byte classes for the container scan (a closing class is its opening class + 2).
const CLASS_QUOTE = 1;
const CLASS_NEWLINE = 2;
const CLASS_OPEN_OBJECT = 3;
const CLASS_OPEN_ARRAY = 4;
const CLASS_CLOSE_OBJECT = 5;
const CLASS_CLOSE_ARRAY = 6;
const CONTAINER_CLASS = new Uint8Array(256);
CONTAINER_CLASS[0x22] = CLASS_QUOTE;
CONTAINER_CLASS[0x7b] = CLASS_OPEN_OBJECT;
CONTAINER_CLASS[0x5b] = CLASS_OPEN_ARRAY;
CONTAINER_CLASS[0x7d] = CLASS_CLOSE_OBJECT;
CONTAINER_CLASS[0x5d] = CLASS_CLOSE_ARRAY;
CONTAINER_CLASS[0x0a] = CLASS_NEWLINE;

/** Bytes that may continue a number or literal (anything else ends it; the token is validated afterwards). */
const TOKEN_BYTE = new Uint8Array(256);
for (const ch of '0123456789+-.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') {
  TOKEN_BYTE[ch.charCodeAt(0)] = 1;
}
const SCALAR_TOKEN = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/**
 * Index of the first `closing` (a newline, indentation, bracket) in `buffer` at or after `from`, or -1. Searches
 * for the bracket and looks back: `Buffer.indexOf` of the whole line measured 1.1 GB/s on indented JSON, where
 * every line starts with the newline and spaces it tries first.
 */
function findClosingLine(buffer: Buffer, closing: Buffer, from: number): number {
  const last = closing.length - 1;
  const bracket = closing[last]!;
  for (let at = buffer.indexOf(bracket, from + last); at !== -1; at = buffer.indexOf(bracket, at + 1)) {
    const start = at - last;
    let i = last - 1;
    while (i >= 0 && buffer[start + i] === closing[i]) i--;
    if (i < 0) return start;
  }
  return -1;
}

function kindName(kind: number): 'object' | 'array' {
  return kind === OBJECT ? 'object' : 'array';
}

/** A Buffer over the same bytes (no copy), or the UTF-8 of a string. */
export function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The synchronous core of {@link streamJson}: feed it chunks with {@link JsonSplitter.push}, then call
 * {@link JsonSplitter.end}. Each call returns the events completed by that call. After a fatal problem the
 * call returns the events completed before it and {@link JsonSplitter.failure} holds the `ConverterError`.
 */
export class JsonSplitter {
  /** The fatal error met so far, if any; nothing more is processed after it. */
  failure: unknown;

  private readonly options: JsonStreamOptions;
  private readonly maxValueBytes: number;
  private readonly maxDepth: number;
  private readonly adapter: string | undefined;

  private mode = MODE_STRUCTURE;
  private expect = EXPECT_ROOT;
  /** One segment per open descended container: the current key or index inside it. */
  private readonly path: JsonPathSegment[] = [];
  /** OBJECT or ARRAY per open descended container. */
  private readonly frames: number[] = [];

  // The value being scanned (MODE_CONTAINER, MODE_STRING, MODE_TOKEN).
  private target = TARGET_SKIP;
  private capturing = false;
  private valueKind: JsonKind = 'scalar';
  private valueByte = 0;
  private valueLine = 1;
  private valueLineStart = 0;
  /** Index in the current chunk where the captured bytes start (0 when the capture began in an earlier chunk). */
  private captureStart = 0;
  /** Captured bytes of earlier chunks. */
  private captureParts: Buffer[] = [];
  private captureLength = 0;
  /** Open containers inside a captured or skipped container, and their kinds. */
  private rawDepth = 0;
  private rawKinds: Uint8Array;
  private inString = false;
  private pendingEscape = false;
  private sawEscape = false;
  /** Cached positions of the next `\` and `"` in the current chunk (-1: not searched yet; chunk length: none). */
  private nextBackslash = -1;
  private nextQuote = -1;

  // Position.
  private chunkByte = 0;
  private line = 1;
  private lineStart = 0;
  private sawBytes = false;
  private excerpt: number[] = [];

  private events: JsonEvent[] = [];

  /** False once {@link JsonSplitter.captureIndented} has missed often enough to show the input is not indented. */
  private indentedCaptures = true;
  private indentedMisses = 0;
  /** The last closing line searched for (`\n`, the opening line's indentation, the closing bracket). */
  private closingLine: Buffer = Buffer.alloc(0);
  /** The chunk in which a search for a closing line found none: the rest of it takes the ordinary scan. */
  private closingAbsentIn: Buffer | undefined;
  /** What {@link JsonSplitter.measure} found. */
  private measuredLines = 0;
  private measuredOpens = 0;
  private measuredAscii = true;
  /** A 32-bit view of the current chunk's buffer (for {@link JsonSplitter.measure}). */
  private words: Int32Array | undefined;
  private wordsOf: ArrayBufferLike | undefined;

  constructor(options: JsonStreamOptions) {
    this.options = options;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.adapter = options.adapter;
    this.rawKinds = new Uint8Array(Math.min(this.maxDepth, 64) + 1);
  }

  /** Processes one chunk; returns the events it completed. */
  push(chunk: Uint8Array): JsonEvent[] {
    const events: JsonEvent[] = [];
    this.events = events;
    if (this.mode === MODE_FAILED) return events;
    const buffer = asBuffer(chunk);
    try {
      if (buffer.length > 0) {
        this.sawBytes = true;
        this.process(buffer);
      }
      this.chunkByte += buffer.length;
    } catch (error) {
      this.fail(error);
    }
    return events;
  }

  /** Signals the end of the input; returns the events this completes (a root number ends here). */
  end(): JsonEvent[] {
    const events: JsonEvent[] = [];
    this.events = events;
    if (this.mode === MODE_FAILED) return events;
    try {
      this.finishInput();
    } catch (error) {
      this.fail(error);
    }
    return events;
  }

  /** Throws {@link JsonSplitter.failure} if there is one. */
  throwIfFailed(): void {
    if (this.mode === MODE_FAILED) throw this.failure;
  }

  private fail(error: unknown): void {
    this.mode = MODE_FAILED;
    this.failure = error;
    this.captureParts = [];
  }

  private process(buffer: Buffer): void {
    const length = buffer.length;
    this.nextBackslash = -1;
    this.nextQuote = -1;
    if (this.capturing) this.captureStart = 0;
    let index = 0;
    while (index < length) {
      switch (this.mode) {
        case MODE_STRUCTURE:
          index = this.scanStructure(buffer, index, length);
          break;
        case MODE_CONTAINER:
          index = this.scanContainer(buffer, index, length);
          break;
        case MODE_STRING:
          index = this.scanString(buffer, index, length);
          break;
        case MODE_TOKEN:
          index = this.scanToken(buffer, index, length);
          break;
        default:
          index = this.collectExcerpt(buffer, index, length);
      }
    }
    if (this.capturing) {
      this.captureParts.push(buffer.subarray(this.captureStart, length));
      this.captureLength += length - this.captureStart;
      this.captureStart = 0;
      if (this.captureLength > this.maxValueBytes) throw this.tooLarge();
    }
  }

  private scanStructure(buffer: Buffer, start: number, length: number): number {
    let index = start;
    while (index < length) {
      const byte = buffer[index]!;
      if (byte === 0x20 || byte === 0x09 || byte === 0x0d) {
        index++;
        continue;
      }
      if (byte === 0x0a) {
        this.line++;
        this.lineStart = this.chunkByte + index + 1;
        index++;
        continue;
      }
      switch (this.expect) {
        case EXPECT_COMMA_OR_CLOSE: {
          const frame = this.frames[this.frames.length - 1]!;
          if (byte === 0x2c) {
            if (frame === ARRAY) {
              const last = this.path.length - 1;
              this.path[last] = (this.path[last] as number) + 1;
              this.expect = EXPECT_VALUE;
            } else {
              this.expect = EXPECT_KEY;
            }
            index++;
            continue;
          }
          if (byte === (frame === ARRAY ? 0x5d : 0x7d)) {
            this.closeContainer(index);
            index++;
            continue;
          }
          throw this.syntaxError(
            frame === ARRAY
              ? "expected ',' or ']' after an array element"
              : "expected ',' or '}' after an object member",
            byte,
            index,
          );
        }
        case EXPECT_KEY_OR_CLOSE:
        case EXPECT_KEY:
          if (byte === 0x22) {
            this.startString(index, TARGET_KEY);
            return index + 1;
          }
          if (byte === 0x7d && this.expect === EXPECT_KEY_OR_CLOSE) {
            this.closeContainer(index);
            index++;
            continue;
          }
          throw this.syntaxError(
            this.expect === EXPECT_KEY ? 'expected a key string' : "expected a key string or '}'",
            byte,
            index,
          );
        case EXPECT_COLON:
          if (byte === 0x3a) {
            this.expect = EXPECT_VALUE;
            index++;
            continue;
          }
          throw this.syntaxError("expected ':' after a key", byte, index);
        case EXPECT_END:
          throw this.positioned(
            'E_PARSE',
            `unexpected data after the end of the JSON document, found ${describeByte(byte)}`,
            index,
          );
        default: {
          if (byte === 0x5d && this.expect === EXPECT_VALUE_OR_CLOSE) {
            this.closeContainer(index);
            index++;
            continue;
          }
          const next = this.startValue(buffer, byte, index);
          if (this.mode !== MODE_STRUCTURE) return next;
          index = next;
        }
      }
    }
    return index;
  }

  /** Handles the first byte of a value in MODE_STRUCTURE; returns where scanning continues. */
  private startValue(buffer: Buffer, byte: number, index: number): number {
    const isObject = byte === 0x7b;
    if (isObject || byte === 0x5b) {
      const kind = isObject ? OBJECT : ARRAY;
      const depth = this.frames.length + 1;
      if (depth > this.maxDepth) throw this.tooDeep(index);
      const selected = this.callSelect(isObject ? 'object' : 'array');
      this.markValueStart(index, isObject ? 'object' : 'array');
      if (selected === 'value' && this.indentedCaptures) {
        const end = this.captureIndented(buffer, index, isObject);
        if (end > 0) return end;
      }
      if (selected === 'descend') {
        this.events.push({
          type: 'enter',
          path: this.path.slice(),
          kind: kindName(kind),
          byte: this.valueByte,
          line: this.line,
        });
        this.frames.push(kind);
        this.path.push(kind === ARRAY ? 0 : '');
        this.expect = kind === ARRAY ? EXPECT_VALUE_OR_CLOSE : EXPECT_KEY_OR_CLOSE;
        return index + 1;
      }
      this.mode = MODE_CONTAINER;
      this.target = selected === 'value' ? TARGET_VALUE : selected === 'raw' ? TARGET_RAW : TARGET_SKIP;
      this.capturing = selected !== 'skip';
      this.captureStart = index;
      this.rawDepth = 1;
      this.rawKinds[0] = isObject ? CLASS_OPEN_OBJECT : CLASS_OPEN_ARRAY;
      this.inString = false;
      return index + 1;
    }
    if (byte === 0x22) {
      const selected = this.callSelect('scalar');
      this.startString(index, selected === 'skip' ? TARGET_SKIP : TARGET_VALUE);
      return index + 1;
    }
    if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39) || byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      const selected = this.callSelect('scalar');
      this.markValueStart(index, 'scalar');
      this.mode = MODE_TOKEN;
      this.target = selected === 'skip' ? TARGET_SKIP : TARGET_VALUE;
      this.capturing = true;
      this.captureStart = index;
      return index;
    }
    if (this.expect === EXPECT_ROOT) {
      this.mode = MODE_NOT_JSON;
      this.markValueStart(index, 'scalar');
      return index;
    }
    throw this.syntaxError('expected a value', byte, index);
  }

  private callSelect(kind: JsonKind): JsonSelect {
    // Called on the options object, so a `select` method sees its own `this`.
    const selected = this.options.select(this.path, kind);
    if (selected !== 'value' && selected !== 'descend' && selected !== 'skip' && selected !== 'raw') {
      throw new ConverterError(
        'E_CONFIG',
        `JSON select returned ${JSON.stringify(selected)} ${describePath(this.path)}; expected 'value', 'descend', 'skip' or 'raw'`,
        { adapter: this.adapter },
      );
    }
    return selected;
  }

  /**
   * The fast way through a captured container that starts its own line in indented JSON (what `trivy -f json`,
   * `jq` and `JSON.stringify(v, null, 2)` write): its closing bracket is the first line after it that holds only
   * the same indentation and the closing bracket, because a raw newline can only be white space between tokens.
   * That candidate is accepted only when `JSON.parse` takes the bytes up to it as one value, which proves it is
   * the matching bracket. Returns the index after the value, or 0 when the ordinary scan must decide (the value
   * runs past this chunk, the input is laid out differently, or it is invalid, too large or too deep).
   */
  private captureIndented(buffer: Buffer, index: number, isObject: boolean): number {
    // After one search found no closing line, the rest of the chunk takes the ordinary scan: a value cut by the
    // chunk's end is no miss, and input whose indentation changes from value to value cannot make every value
    // search the rest of the chunk again.
    if (this.closingAbsentIn === buffer) return 0;
    const indentStart = this.lineStart - this.chunkByte;
    if (indentStart < 0) return 0;
    for (let i = indentStart; i < index; i++) {
      const byte = buffer[i]!;
      if (byte !== 0x20 && byte !== 0x09) return 0;
    }
    const closing = this.closingLineFor(buffer, indentStart - 1, index, isObject ? 0x7d : 0x5d);
    const close = findClosingLine(buffer, closing, index + 1);
    if (close < 0) {
      this.closingAbsentIn = buffer;
      return 0;
    }
    const end = close + closing.length;
    // A candidate not taken counts as a miss whatever the reason, so no input can make every value search far.
    if (end - index > this.maxValueBytes) return this.missIndented();
    this.measure(buffer, index, end);
    if (this.measuredOpens + this.frames.length > this.maxDepth) return this.missIndented();
    let value: unknown;
    try {
      // ASCII decodes the same either way, and Latin-1 skips the UTF-8 checks (~10 % of the parse time).
      value = JSON.parse(buffer.toString(this.measuredAscii ? 'latin1' : 'utf8', index, end));
    } catch {
      return this.missIndented();
    }
    this.line += this.measuredLines;
    this.lineStart = this.chunkByte + close + 1;
    this.emitValue(value);
    return end;
  }

  private missIndented(): number {
    if (++this.indentedMisses >= MAX_INDENTED_MISSES) this.indentedCaptures = false;
    return 0;
  }

  /** `\n` + the indentation `buffer[from + 1, to)` + `bracket`, reusing the last one when it is the same. */
  private closingLineFor(buffer: Buffer, from: number, to: number, bracket: number): Buffer {
    const last = this.closingLine;
    const length = to - from + 1;
    if (
      last.length === length &&
      last[length - 1] === bracket &&
      buffer.compare(last, 1, length - 1, from + 1, to) === 0
    )
      return last;
    const closing = Buffer.allocUnsafe(length);
    closing[0] = 0x0a;
    buffer.copy(closing, 1, from + 1, to);
    closing[length - 1] = bracket;
    this.closingLine = closing;
    return closing;
  }

  /**
   * Counts, in `buffer[from, to)`, the newlines ({@link JsonSplitter.measuredLines}), the opening brackets `{` and
   * `[` (also inside strings: an upper bound of the nesting) and whether every byte is ASCII, four bytes at a time.
   */
  private measure(buffer: Buffer, from: number, to: number): void {
    let lines = 0;
    let opens = 0;
    let high = 0;
    let i = from;
    const offset = buffer.byteOffset;
    let word = (offset + i + 3) >>> 2;
    const lastWord = (offset + to) >>> 2;
    if (word < lastWord) {
      let words = this.words;
      if (this.wordsOf !== buffer.buffer || words === undefined) {
        words = new Int32Array(buffer.buffer, 0, buffer.buffer.byteLength >>> 2);
        this.words = words;
        this.wordsOf = buffer.buffer;
      }
      for (const stop = word * 4 - offset; i < stop; i++) {
        const byte = buffer[i]!;
        high |= byte;
        if (byte === 0x0a) lines++;
        else if ((byte | 0x20) === 0x7b) opens++;
      }
      for (; word < lastWord; word++) {
        const bytes = words[word]!;
        high |= bytes;
        // Zero bytes of x become 0x80 in y (exactly: no borrow between bytes), then the 0x80s are summed.
        let x = bytes ^ 0x0a0a0a0a;
        let y = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        if (y !== 0) lines += Math.imul(y >>> 7, 0x01010101) >>> 24;
        // `{` is 0x7b and `[` 0x5b: setting bit 5 maps both, and nothing else, to 0x7b.
        x = (bytes | 0x20202020) ^ 0x7b7b7b7b;
        y = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        if (y !== 0) opens += Math.imul(y >>> 7, 0x01010101) >>> 24;
      }
      i = lastWord * 4 - offset;
    }
    for (; i < to; i++) {
      const byte = buffer[i]!;
      high |= byte;
      if (byte === 0x0a) lines++;
      else if ((byte | 0x20) === 0x7b) opens++;
    }
    this.measuredLines = lines;
    this.measuredOpens = opens;
    this.measuredAscii = (high & 0x80808080) === 0;
  }

  private markValueStart(index: number, kind: JsonKind): void {
    this.valueKind = kind;
    this.valueByte = this.chunkByte + index;
    this.valueLine = this.line;
    this.valueLineStart = this.lineStart;
  }

  private startString(index: number, target: number): void {
    this.markValueStart(index, 'scalar');
    this.mode = MODE_STRING;
    this.target = target;
    this.capturing = target !== TARGET_SKIP;
    this.captureStart = index;
    this.pendingEscape = false;
    this.sawEscape = false;
  }

  private closeContainer(index: number): void {
    const kind = this.frames.pop()!;
    this.path.pop();
    this.events.push({
      type: 'exit',
      path: this.path.slice(),
      kind: kindName(kind),
      byte: this.chunkByte + index,
      line: this.line,
    });
    this.expectSeparator();
  }

  /**
   * Finds the end of the string body starting at `start` (just after the opening quote, or the continuation of
   * a string from an earlier chunk). Returns the index after the closing quote, or -1 if the chunk ends first.
   */
  private stringEnd(buffer: Buffer, start: number, length: number): number {
    let index = start;
    if (this.pendingEscape) {
      if (index >= length) return -1;
      this.pendingEscape = false;
      index++;
    }
    for (;;) {
      let backslash = this.nextBackslash;
      if (backslash < index) {
        backslash = buffer.indexOf(0x5c, index);
        if (backslash === -1) backslash = length;
        this.nextBackslash = backslash;
      }
      let quote = this.nextQuote;
      if (quote < index) {
        quote = buffer.indexOf(0x22, index);
        if (quote === -1) quote = length;
        this.nextQuote = quote;
      }
      if (quote < backslash) return quote + 1;
      if (backslash === length) return -1;
      this.sawEscape = true;
      if (backslash + 1 >= length) {
        this.pendingEscape = true;
        return -1;
      }
      index = backslash + 2;
    }
  }

  private scanString(buffer: Buffer, start: number, length: number): number {
    const end = this.stringEnd(buffer, start, length);
    if (end < 0) return length;
    this.finishValue(buffer, end);
    return end;
  }

  private scanContainer(buffer: Buffer, start: number, length: number): number {
    let index = start;
    if (this.inString) {
      index = this.stringEnd(buffer, index, length);
      if (index < 0) return length;
      this.inString = false;
    }
    let depth = this.rawDepth;
    const depthLimit = this.maxDepth - this.frames.length;
    let kinds = this.rawKinds;
    while (index < length) {
      const byteClass = CONTAINER_CLASS[buffer[index++]!]!;
      if (byteClass === 0) continue;
      if (byteClass === CLASS_QUOTE) {
        this.pendingEscape = false;
        index = this.stringEnd(buffer, index, length);
        if (index < 0) {
          this.inString = true;
          index = length;
          break;
        }
      } else if (byteClass === CLASS_NEWLINE) {
        this.line++;
        this.lineStart = this.chunkByte + index;
      } else if (byteClass <= CLASS_OPEN_ARRAY) {
        if (depth >= depthLimit) throw this.tooDeep(index - 1);
        if (depth >= kinds.length) kinds = this.growRawKinds();
        kinds[depth++] = byteClass;
      } else if (kinds[--depth] !== byteClass - 2) {
        this.rawDepth = depth + 1;
        const open = kinds[depth] === CLASS_OPEN_OBJECT ? '}' : ']';
        throw this.syntaxError(
          `expected ',' or '${open}' inside the ${this.valueKind} ${describePath(this.path)}`,
          buffer[index - 1]!,
          index - 1,
        );
      } else if (depth === 0) {
        this.rawDepth = 0;
        this.finishValue(buffer, index);
        return index;
      }
    }
    this.rawDepth = depth;
    return index;
  }

  private growRawKinds(): Uint8Array {
    const grown = new Uint8Array(Math.min(this.rawKinds.length * 2, this.maxDepth + 1));
    grown.set(this.rawKinds);
    this.rawKinds = grown;
    return grown;
  }

  private scanToken(buffer: Buffer, start: number, length: number): number {
    let index = start;
    while (index < length && TOKEN_BYTE[buffer[index]!] === 1) index++;
    if (index < length) this.finishValue(buffer, index);
    return index;
  }

  private collectExcerpt(buffer: Buffer, start: number, length: number): number {
    const take = Math.min(length - start, EXCERPT_BYTES - this.excerpt.length);
    for (let index = start; index < start + take; index++) this.excerpt.push(buffer[index]!);
    if (this.excerpt.length >= EXCERPT_BYTES) throw this.notJson();
    return start + take;
  }

  /** The scanned value ends just before `end` in `buffer` (null: it ended with the input). */
  private finishValue(buffer: Buffer | null, end: number): void {
    const target = this.target;
    let value: unknown;
    if (this.capturing) {
      const start = this.captureStart;
      if (this.captureLength + end - start > this.maxValueBytes) throw this.tooLarge();
      // Within one chunk, decode straight from it; across chunks, join the exact bytes first (so a multi-byte
      // character split by a chunk boundary decodes correctly).
      const joined = this.captureParts.length === 0 ? undefined : this.joinCaptured(buffer, end);
      const exactBytes = (): Buffer => joined ?? buffer!.subarray(start, end);
      this.capturing = false;
      this.captureParts = [];
      this.captureLength = 0;
      if (target === TARGET_RAW) {
        this.mode = MODE_STRUCTURE;
        this.events.push({
          type: 'raw',
          path: this.path.slice(),
          bytes: exactBytes(),
          byte: this.valueByte,
          line: this.valueLine,
          column: this.valueByte - this.valueLineStart + 1,
        });
        this.expectSeparator();
        return;
      }
      const text = joined === undefined ? buffer!.toString('utf8', start, end) : joined.toString('utf8');
      if (this.mode === MODE_TOKEN) {
        if (!SCALAR_TOKEN.test(text)) throw this.badToken(text);
        if (target === TARGET_VALUE) value = JSON.parse(text);
      } else if (target === TARGET_KEY) {
        this.path[this.path.length - 1] = this.decodeKey(text, exactBytes);
      } else {
        try {
          value = JSON.parse(text);
        } catch {
          throw this.invalidCaptured(exactBytes());
        }
      }
    }
    this.mode = MODE_STRUCTURE;
    if (target === TARGET_KEY) {
      this.expect = EXPECT_COLON;
      return;
    }
    if (target === TARGET_VALUE) this.emitValue(value);
    else this.expectSeparator();
  }

  /** Emits the value event of the value that started at {@link JsonSplitter.markValueStart}; a separator is next. */
  private emitValue(value: unknown): void {
    this.events.push({
      type: 'value',
      path: this.path.slice(),
      value,
      byte: this.valueByte,
      line: this.valueLine,
    });
    this.expectSeparator();
  }

  /** After a complete value or container: a separator or the parent's end, or the end of the input at the root. */
  private expectSeparator(): void {
    this.expect = this.frames.length > 0 ? EXPECT_COMMA_OR_CLOSE : EXPECT_END;
  }

  private joinCaptured(buffer: Buffer | null, end: number): Buffer {
    if (buffer !== null && end > 0) this.captureParts.push(buffer.subarray(0, end));
    return Buffer.concat(this.captureParts, this.captureLength + (buffer === null ? 0 : end));
  }

  private decodeKey(text: string, exactBytes: () => Buffer): string {
    if (!this.sawEscape) {
      const key = text.slice(1, -1);
      if (!CONTROL_CHARACTER.test(key)) return key;
    }
    try {
      return JSON.parse(text) as string;
    } catch {
      throw this.invalidCaptured(exactBytes());
    }
  }

  private finishInput(): void {
    switch (this.mode) {
      case MODE_TOKEN:
        // A number ends with the input only at the root; inside a container it may have been cut.
        if (this.frames.length === 0) this.finishValue(null, 0);
        break;
      case MODE_NOT_JSON:
        throw this.notJson();
      case MODE_STRUCTURE:
        if (this.expect === EXPECT_END) return;
        if (this.expect === EXPECT_ROOT) {
          throw new ConverterError(
            'E_FORMAT',
            this.sawBytes ? 'input is empty (only whitespace)' : 'input is empty',
            {
              byte: this.chunkByte,
              line: this.line,
              adapter: this.adapter,
            },
          );
        }
        break;
      default:
        break;
    }
    if (this.expect === EXPECT_END && this.mode === MODE_STRUCTURE) return;
    throw this.truncated();
  }

  // ---- errors ------------------------------------------------------------------------------------------------

  private positioned(code: ErrorCode, message: string, index: number): ConverterError {
    const byte = this.chunkByte + index;
    return new ConverterError(code, message, {
      byte,
      line: this.line,
      column: byte - this.lineStart + 1,
      adapter: this.adapter,
    });
  }

  private syntaxError(expected: string, byte: number, index: number): ConverterError {
    const where = this.mode === MODE_STRUCTURE ? ` ${this.structureWhere()}` : '';
    return this.positioned('E_PARSE', `${expected}${where}, found ${describeByte(byte)}`, index);
  }

  /** `in the object at runs[0]` for the innermost descended container. */
  private structureWhere(): string {
    const kind = this.frames[this.frames.length - 1];
    if (kind === undefined) return 'at the root';
    return `in the ${kindName(kind)} ${describePath(this.path.slice(0, -1))}`;
  }

  private tooDeep(index: number): ConverterError {
    return this.positioned(
      'E_UNSAFE',
      `JSON nesting deeper than ${this.maxDepth} levels ${describePath(this.path)}`,
      index,
    );
  }

  private tooLarge(): ConverterError {
    const what = this.target === TARGET_KEY ? 'key' : this.valueKind === 'scalar' ? 'value' : this.valueKind;
    return new ConverterError(
      'E_UNSAFE',
      `JSON ${what} ${describePath(this.path)} is larger than the ${this.maxValueBytes}-byte limit (maxValueBytes)`,
      {
        byte: this.valueByte,
        line: this.valueLine,
        column: this.valueByte - this.valueLineStart + 1,
        adapter: this.adapter,
      },
    );
  }

  private badToken(text: string): ConverterError {
    if (this.frames.length === 0) return this.notJson(Buffer.from(text, 'latin1'));
    const shown = text.length > 16 ? `${text.slice(0, 16)}…` : text;
    return new ConverterError(
      'E_PARSE',
      `invalid number or literal ${JSON.stringify(shown)} ${describePath(this.path)}`,
      {
        byte: this.valueByte,
        line: this.valueLine,
        column: this.valueByte - this.valueLineStart + 1,
        adapter: this.adapter,
      },
    );
  }

  private invalidCaptured(bytes: Buffer): ConverterError {
    const start = { byte: this.valueByte, line: this.valueLine, lineStart: this.valueLineStart };
    if (this.target === TARGET_KEY)
      return invalidValueError(bytes, start, 'key', this.path.slice(0, -1), this.adapter, 'in the object ');
    const kind = this.valueKind === 'scalar' ? 'string' : this.valueKind;
    return invalidValueError(bytes, start, kind, this.path, this.adapter);
  }

  private notJson(bytes: Uint8Array = Uint8Array.from(this.excerpt)): ConverterError {
    const looksUtf16 =
      bytes.includes(0) ||
      (bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff);
    const position = {
      byte: this.valueByte,
      line: this.valueLine,
      column: this.valueByte - this.valueLineStart + 1,
      adapter: this.adapter,
    };
    if (looksUtf16) {
      return new ConverterError('E_ENCODING', 'input looks like UTF-16; convert it to UTF-8 first', position);
    }
    return new ConverterError(
      'E_FORMAT',
      `input is not JSON (starts with ${sanitizeExcerpt(bytes)})`,
      position,
    );
  }

  private truncated(): ConverterError {
    let message: string;
    if (this.mode === MODE_STRUCTURE) {
      const kind = this.frames[this.frames.length - 1]!;
      const expected =
        this.expect === EXPECT_COLON
          ? "expected ':'"
          : this.expect === EXPECT_KEY
            ? 'expected a key'
            : this.expect === EXPECT_KEY_OR_CLOSE
              ? "expected a key or '}'"
              : this.expect === EXPECT_COMMA_OR_CLOSE
                ? `expected ',' or '${kind === OBJECT ? '}' : ']'}'`
                : 'expected a value';
      message = `input ended inside the ${kindName(kind)} ${describePath(this.path.slice(0, -1))} (${expected})`;
    } else if (this.mode === MODE_STRING) {
      message =
        this.target === TARGET_KEY
          ? `input ended inside a key in the object ${describePath(this.path.slice(0, -1))}`
          : `input ended inside the string ${describePath(this.path)}`;
    } else if (this.mode === MODE_TOKEN) {
      message = `input ended inside the value ${describePath(this.path)}`;
    } else {
      const inside = this.inString ? 'a string in ' : '';
      message = `input ended inside ${inside}the ${this.valueKind} ${describePath(this.path)} (${this.rawDepth} level${
        this.rawDepth === 1 ? '' : 's'
      } open, started at byte ${this.valueByte})`;
    }
    return new ConverterError('E_TRUNCATED', message, {
      byte: this.chunkByte,
      line: this.line,
      column: this.chunkByte - this.lineStart + 1,
      adapter: this.adapter,
    });
  }
}

/**
 * The `E_PARSE` error for a captured value `JSON.parse` rejected: says what is wrong and where, positioned at the
 * offending byte in the original input (`start` is where the value begins; `lineStart` the byte its line starts).
 */
export function invalidValueError(
  bytes: Buffer,
  start: { byte: number; line: number; lineStart: number },
  what: string,
  path: readonly JsonPathSegment[],
  adapter: string | undefined,
  preposition = '',
): ConverterError {
  const problem = findJsonSyntaxError(bytes);
  const offset = problem?.offset ?? 0;
  let line = start.line;
  let lineStart = start.lineStart;
  for (
    let index = bytes.indexOf(0x0a);
    index !== -1 && index < offset;
    index = bytes.indexOf(0x0a, index + 1)
  ) {
    line++;
    lineStart = start.byte + index + 1;
  }
  const byte = start.byte + offset;
  return new ConverterError(
    'E_PARSE',
    `invalid JSON in the ${what} ${preposition}${describePath(path)}: ${problem?.message ?? 'JSON.parse rejected it'}`,
    { byte, line, column: byte - lineStart + 1, adapter },
  );
}
