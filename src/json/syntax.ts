/** Where a JSON text first breaks the grammar, and what was expected there. */
export interface JsonSyntaxProblem {
  /** 0-based byte offset of the offending byte (the length of the input when it ends too early). */
  offset: number;
  /** One line, e.g. `expected ',' or '}' after an object member, found 'x'`. */
  message: string;
}

const CONTAINER = { object: 1, array: 2 } as const;
const HEX = /^[0-9a-fA-F]{4}$/;

/** `'x'` for a printable ASCII byte, `byte 0x00` otherwise: never echoes more than one byte of the input. */
export function describeByte(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return byte === 0x27 ? `"'"` : `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * A short, quoted, single-line rendering of the first bytes of an input: printable ASCII is kept, everything
 * else (control characters, non-ASCII, invalid UTF-8) is shown as `\xNN`.
 */
export function sanitizeExcerpt(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}"`;
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/**
 * Validates one complete JSON value strictly (RFC 8259 grammar, no duplicate-key or UTF-8 checks) and returns
 * the first problem, or `undefined` when the text is valid. Iterative: any nesting depth is fine.
 * Used on the error path only, to say where and why `JSON.parse` rejected a captured value.
 */
export function findJsonSyntaxError(bytes: Uint8Array): JsonSyntaxProblem | undefined {
  const length = bytes.length;
  const stack: number[] = [];
  let index = 0;
  const problem = (expected: string): JsonSyntaxProblem => {
    const found = index < length ? describeByte(bytes[index]!) : 'the end of the value';
    return { offset: index, message: `${expected}, found ${found}` };
  };
  // States: 0 value, 1 value or ']', 2 key or '}', 3 key, 4 ':', 5 ',' or close, 6 end.
  let state = 0;
  for (;;) {
    while (isWhitespace(bytes[index])) index++;
    if (index >= length) {
      if (state === 6) return undefined;
      return problem(
        state === 4 ? "expected ':'" : state === 5 ? "expected ',' or a closing bracket" : 'expected a value',
      );
    }
    const byte = bytes[index]!;
    if (state === 6) return problem('expected the end of the value');
    if (state === 4) {
      if (byte !== 0x3a) return problem("expected ':' after a key");
      index++;
      state = 0;
      continue;
    }
    if (state === 5) {
      const open = stack[stack.length - 1];
      if (byte === 0x2c) {
        index++;
        state = open === CONTAINER.object ? 3 : 0;
        continue;
      }
      if (byte === (open === CONTAINER.object ? 0x7d : 0x5d)) {
        index++;
        stack.pop();
        state = stack.length > 0 ? 5 : 6;
        continue;
      }
      return problem(
        open === CONTAINER.object
          ? "expected ',' or '}' after an object member"
          : "expected ',' or ']' after an array element",
      );
    }
    if (state === 2 || state === 3) {
      if (byte === 0x7d && state === 2) {
        index++;
        stack.pop();
        state = stack.length > 0 ? 5 : 6;
        continue;
      }
      if (byte !== 0x22)
        return problem(state === 2 ? "expected a key string or '}'" : 'expected a key string');
      const end = scanString(bytes, index);
      if (typeof end !== 'number') return end;
      index = end;
      state = 4;
      continue;
    }
    // state 0 or 1: a value.
    if (byte === 0x5d && state === 1) {
      index++;
      stack.pop();
      state = stack.length > 0 ? 5 : 6;
      continue;
    }
    if (byte === 0x7b || byte === 0x5b) {
      stack.push(byte === 0x7b ? CONTAINER.object : CONTAINER.array);
      index++;
      state = byte === 0x7b ? 2 : 1;
      continue;
    }
    let end: number | JsonSyntaxProblem;
    if (byte === 0x22) end = scanString(bytes, index);
    else if (byte === 0x2d || isDigit(byte)) end = scanNumber(bytes, index);
    else if (byte === 0x74) end = scanLiteral(bytes, index, 'true');
    else if (byte === 0x66) end = scanLiteral(bytes, index, 'false');
    else if (byte === 0x6e) end = scanLiteral(bytes, index, 'null');
    else return problem('expected a value');
    if (typeof end !== 'number') return end;
    index = end;
    state = stack.length > 0 ? 5 : 6;
  }
}

function at(bytes: Uint8Array, offset: number, expected: string): JsonSyntaxProblem {
  const found = offset < bytes.length ? describeByte(bytes[offset]!) : 'the end of the value';
  return { offset, message: `${expected}, found ${found}` };
}

function scanString(bytes: Uint8Array, start: number): number | JsonSyntaxProblem {
  let index = start + 1;
  for (;;) {
    if (index >= bytes.length) return at(bytes, index, "expected '\"' to close the string");
    const byte = bytes[index]!;
    if (byte === 0x22) return index + 1;
    if (byte < 0x20)
      return at(bytes, index, 'expected a string character (control characters must be escaped)');
    if (byte !== 0x5c) {
      index++;
      continue;
    }
    const escaped = bytes[index + 1];
    if (escaped === 0x75) {
      const hex = String.fromCharCode(...bytes.subarray(index + 2, index + 6));
      if (!HEX.test(hex)) return at(bytes, index, 'expected four hex digits after \\u');
      index += 6;
    } else if (
      escaped === 0x22 ||
      escaped === 0x5c ||
      escaped === 0x2f ||
      escaped === 0x62 ||
      escaped === 0x66 ||
      escaped === 0x6e ||
      escaped === 0x72 ||
      escaped === 0x74
    ) {
      index += 2;
    } else {
      return at(bytes, index + 1, 'expected an escape character (one of "\\/bfnrtu) after \\');
    }
  }
}

function scanDigits(bytes: Uint8Array, start: number): number {
  let index = start;
  while (isDigit(bytes[index])) index++;
  return index;
}

function scanNumber(bytes: Uint8Array, start: number): number | JsonSyntaxProblem {
  let index = start;
  if (bytes[index] === 0x2d) index++;
  if (bytes[index] === 0x30) index++;
  else if (isDigit(bytes[index])) index = scanDigits(bytes, index);
  else return at(bytes, index, 'expected a digit');
  if (bytes[index] === 0x2e) {
    if (!isDigit(bytes[index + 1])) return at(bytes, index + 1, "expected a digit after '.'");
    index = scanDigits(bytes, index + 1);
  }
  if (bytes[index] === 0x65 || bytes[index] === 0x45) {
    index++;
    if (bytes[index] === 0x2b || bytes[index] === 0x2d) index++;
    if (!isDigit(bytes[index])) return at(bytes, index, 'expected a digit in the exponent');
    index = scanDigits(bytes, index);
  }
  return index;
}

function scanLiteral(bytes: Uint8Array, start: number, literal: string): number | JsonSyntaxProblem {
  for (let offset = 0; offset < literal.length; offset++) {
    if (bytes[start + offset] !== literal.charCodeAt(offset)) {
      return at(bytes, start + offset, `expected '${literal}'`);
    }
  }
  return start + literal.length;
}
