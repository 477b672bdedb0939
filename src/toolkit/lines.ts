import { ConverterError } from '../errors.js';

/** Options of {@link lines}. */
export interface LinesOptions {
  /** Longest line accepted, in bytes; a longer one is refused with `E_UNSAFE`. @defaultValue 16777216 (16 MiB) */
  maxLineBytes?: number;
  /** Adapter name put into errors; `convert` puts your adapter's name into an error without one. */
  adapter?: string;
}

/** One line of {@link lines}: its text without the line ending, and its 1-based number. */
export interface Line {
  /** The line's text, decoded as UTF-8, without its `\n` or `\r\n`; `''` for a blank line. */
  text: string;
  /** 1-based line number in the input (blank lines counted). */
  line: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits byte chunks (any chunking, UTF-8) into lines: `\n` or `\r\n` ends a line, a last line without an ending
 * counts, and a multi-byte character split across chunks is decoded whole. Memory is bounded by the longest line
 * plus one chunk: an endless line is refused (`E_UNSAFE`, with the line number) instead of filling memory.
 *
 * @example
 * ```ts
 * for await (const { text, line } of lines(input)) if (text !== '') handle(JSON.parse(text), line);
 * ```
 */
export async function* lines(
  input: AsyncIterable<Uint8Array>,
  options: LinesOptions = {},
): AsyncGenerator<Line> {
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
  const decoder = new TextDecoder('utf-8');
  let pieces: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 1;
  const take = (tail: Uint8Array): string => {
    let bytes: Uint8Array;
    if (pieces.length === 0) bytes = tail;
    else {
      bytes = new Uint8Array(pendingBytes + tail.length);
      let offset = 0;
      for (const piece of pieces) {
        bytes.set(piece, offset);
        offset += piece.length;
      }
      bytes.set(tail, offset);
    }
    pieces = [];
    pendingBytes = 0;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return decoder.decode(bytes.subarray(0, end));
  };
  const tooLong = (): ConverterError =>
    new ConverterError('E_UNSAFE', `a line is longer than ${maxLineBytes} bytes`, {
      line: lineNumber,
      ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    });
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
      if (pendingBytes + end - start > maxLineBytes) throw tooLong();
      yield { text: take(chunk.subarray(start, end)), line: lineNumber };
      lineNumber += 1;
      start = end + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong();
      // A copy: the caller may reuse its chunk once we ask for the next one.
      pieces.push(chunk.slice(start));
    }
  }
  if (pendingBytes > 0) yield { text: take(new Uint8Array(0)), line: lineNumber };
}
