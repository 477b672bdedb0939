/**
 * Reference "record splitter" for the benchmarks (deliberately independent of the project's own src/json/):
 * walks the UTF-8 bytes once, tracking nesting, strings and the object keys on the path, and cuts out each
 * element of the arrays at `path` (e.g. `['runs', '*', 'results']`), handing its bytes to `JSON.parse`.
 * Everything outside those arrays is scanned but never parsed. String contents are skipped with
 * `Buffer.indexOf` (memchr speed). Elements may span any number of chunks; multi-byte characters split across
 * chunks are safe because an element is decoded only once it is whole. Not a validator: it assumes
 * well-formed JSON.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

const K_QUOTE = 1;
const K_OPEN = 2;
const K_CLOSE = 3;
const K_COMMA = 4;
/** Byte classes inside an element: 0 for every byte that changes nothing. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = K_QUOTE;
BYTE_CLASS[OPEN_OBJECT] = K_OPEN;
BYTE_CLASS[OPEN_ARRAY] = K_OPEN;
BYTE_CLASS[CLOSE_OBJECT] = K_CLOSE;
BYTE_CLASS[CLOSE_ARRAY] = K_CLOSE;
BYTE_CLASS[COMMA] = K_COMMA;

/**
 * Skips a string body from `i` with indexOf; returns the index of the closing quote, `buf.length` when the
 * chunk ends inside the string, or `buf.length + 1` when it ends right after an escaping backslash.
 * @param {Buffer} buf
 * @param {number} i
 */
function skipLongString(buf, i) {
  const n = buf.length;
  let backslash = buf.indexOf(BACKSLASH, i);
  let quote = buf.indexOf(QUOTE, i);
  for (;;) {
    if (quote === -1) quote = n;
    if (backslash === -1) backslash = n;
    if (quote < backslash) return quote;
    if (backslash >= n) return n;
    i = backslash + 2;
    if (i >= n) return i;
    backslash = buf.indexOf(BACKSLASH, i);
    if (quote < i) quote = buf.indexOf(QUOTE, i);
  }
}

/**
 * Push-style splitter: `write(chunk)` returns the elements completed by that chunk. The hot loop works on
 * locals only (state is copied in and out per chunk) so V8 keeps it in registers.
 */
export class JsonArraySplitter {
  /** @param {readonly string[]} path keys from the root; `*` matches any array index */
  constructor(path) {
    this.path = path;
    /** Per open container: is it an array, and the name it sits under ('*' in arrays, '' for the root). */
    this.isArray = /** @type {boolean[]} */ ([]);
    this.names = /** @type {string[]} */ ([]);
    /** Last key read in each open object; undefined/null while a key is expected. */
    this.keys = /** @type {(string | null | undefined)[]} */ ([]);
    this.depth = 0;
    this.inString = false;
    /** The previous chunk ended on a backslash inside a string. */
    this.escaped = false;
    /** The string being read is an object key (outside captured elements only). */
    this.readingKey = false;
    this.keyParts = /** @type {Buffer[]} */ ([]);
    /** Depth of the array whose elements are being cut, or -1. */
    this.captureDepth = -1;
    this.inElement = false;
    this.parts = /** @type {Buffer[]} */ ([]);
  }

  /** @param {number} depth */
  matches(depth) {
    const path = this.path;
    if (depth - 1 !== path.length) return false;
    for (let i = 0; i < path.length; i++) {
      const want = path[i];
      if (want === '*' ? !this.isArray[i] : want !== this.names[i + 1]) return false;
    }
    return true;
  }

  /**
   * @param {Buffer} buf
   * @returns {unknown[]} elements completed in this chunk
   */
  write(buf) {
    const n = buf.length;
    const out = [];
    const { isArray, names, keys } = this;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let readingKey = this.readingKey;
    let captureDepth = this.captureDepth;
    let inElement = this.inElement;
    let elementStart = 0;
    let keyStart = 0;
    let i = 0;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
        }
        const from = i;
        // Short strings are cheaper to walk in JS; long ones are skipped with memchr (indexOf).
        while (i < n && i - from < 48) {
          const c = buf[i];
          if (c === QUOTE) break;
          i += c === BACKSLASH ? 2 : 1;
        }
        if (i < n && buf[i] !== QUOTE) i = skipLongString(buf, i);
        if (i >= n) {
          escaped = i > n;
          break;
        }
        inString = false;
        i++;
        if (readingKey) {
          this.keyParts.push(buf.subarray(keyStart, i));
          keys[depth - 1] = JSON.parse(Buffer.concat(this.keyParts).toString('utf8'));
          this.keyParts = [];
          readingKey = false;
        } else if (inElement && depth === captureDepth) {
          out.push(this.cut(buf, elementStart, i, false));
          inElement = false;
        }
        continue;
      }
      if (inElement) {
        // Inside an element only nesting, strings and (for primitives) commas matter.
        for (; i < n; i++) {
          const kind = BYTE_CLASS[/** @type {number} */ (buf[i])];
          if (kind === 0) continue;
          if (kind === K_QUOTE) {
            inString = true;
            i++;
            break;
          }
          if (kind === K_OPEN) depth++;
          else if (kind === K_CLOSE) {
            if (depth === captureDepth) {
              // Only a primitive element can still be open when its array closes.
              out.push(this.cut(buf, elementStart, i, true));
              inElement = false;
              captureDepth = -1;
              depth--;
              i++;
              break;
            }
            depth--;
            if (depth === captureDepth) {
              out.push(this.cut(buf, elementStart, i + 1, false));
              inElement = false;
              i++;
              break;
            }
          } else if (depth === captureDepth) {
            out.push(this.cut(buf, elementStart, i, true));
            inElement = false;
            i++;
            break;
          }
        }
        continue;
      }
      const c = /** @type {number} */ (buf[i]);
      if (depth === captureDepth && c > 0x20 && c !== COMMA && c !== CLOSE_ARRAY) {
        inElement = true;
        elementStart = i;
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        if (depth > 0 && !isArray[depth - 1] && typeof keys[depth - 1] !== 'string') {
          readingKey = true;
          keyStart = i;
          this.keyParts = [];
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        names[depth] = depth === 0 ? '' : isArray[depth - 1] ? '*' : (keys[depth - 1] ?? '');
        isArray[depth] = c === OPEN_ARRAY;
        keys[depth] = undefined;
        depth++;
        if (c === OPEN_ARRAY && captureDepth === -1 && this.matches(depth)) captureDepth = depth;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (depth === captureDepth) captureDepth = -1;
        depth--;
      } else if (c === COMMA && depth > 0 && !isArray[depth - 1]) {
        keys[depth - 1] = null;
      }
      i++;
    }
    if (inElement) this.parts.push(buf.subarray(elementStart, n));
    if (readingKey) this.keyParts.push(buf.subarray(keyStart, n));
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.readingKey = readingKey;
    this.captureDepth = captureDepth;
    this.inElement = inElement;
    return out;
  }

  /**
   * Joins the element's pieces (earlier chunks + this one up to `end`) and parses it.
   * @param {Buffer} buf
   * @param {number} start
   * @param {number} end
   * @param {boolean} mayHaveSpace a primitive (the only kind cut at `,`/`]`) may carry trailing whitespace
   */
  cut(buf, start, end, mayHaveSpace) {
    let bytes = buf.subarray(start, end);
    if (this.parts.length > 0) {
      this.parts.push(bytes);
      bytes = Buffer.concat(this.parts);
      this.parts = [];
    }
    const text = bytes.toString('utf8');
    return JSON.parse(mayHaveSpace ? text.trim() : text);
  }
}

/**
 * Streams the elements of the arrays at `path` out of a byte stream.
 * @param {AsyncIterable<Uint8Array>} chunks
 * @param {readonly string[]} path keys from the root; `*` matches any array index
 * @returns {AsyncGenerator<unknown>}
 */
export async function* splitJsonArrays(chunks, path) {
  const splitter = new JsonArraySplitter(path);
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    yield* splitter.write(buf);
  }
}
