import { ConverterError } from '../../src/errors.js';

const ADAPTER = 'nessus';

/** Bytes that start a ZIP archive (local file header, empty archive, spanned archive); XLSX is a ZIP. */
const ZIP_MAGICS: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08],
];

/** Characters searched for an XML declaration's `encoding`. */
const PROLOGUE_CHARS = 256;

/** How many leading bytes the sniffing needs. */
const SNIFF_BYTES = 4;

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/**
 * Refuses inputs that are recognisably not UTF-8 XML, from their first bytes: a ZIP/XLSX named `.nessus`
 * (a real corpus case) and UTF-16 (BOM or NUL bytes among the first characters).
 */
export function sniffBytes(head: Uint8Array): void {
  if (ZIP_MAGICS.some((magic) => startsWith(head, magic))) {
    throw new ConverterError(
      'E_FORMAT',
      'this is a ZIP/XLSX archive, not a .nessus XML export (export the scan as "Nessus" format, not as a spreadsheet or archive)',
      { adapter: ADAPTER, byte: 0 },
    );
  }
  const utf16 =
    (head[0] === 0xff && head[1] === 0xfe) ||
    (head[0] === 0xfe && head[1] === 0xff) ||
    (head.length >= 2 && (head[0] === 0 || head[1] === 0));
  if (utf16) {
    throw new ConverterError('E_ENCODING', 'the input looks like UTF-16; convert it to UTF-8 first', {
      adapter: ADAPTER,
      byte: 0,
    });
  }
}

/** The `encoding` named by an XML declaration at the start of `text`, if any. */
export function declaredEncoding(text: string): string | undefined {
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(text);
  return match?.[1];
}

/**
 * Decodes a byte stream as UTF-8 with a streaming `TextDecoder` (a multi-byte character split across chunks
 * survives) and yields strings decoded from at most `pieceBytes` bytes each, whatever the chunk sizes: the caller
 * gets control back regularly, and no string is large enough to land in V8's large-object space (1 MiB chunks
 * decoded whole doubled the peak RSS in `bench/nessus-quick.mjs`). Throws `E_FORMAT`/`E_ENCODING` for input that
 * is not UTF-8 text.
 */
export async function* decodeUtf8Pieces(
  input: AsyncIterable<Uint8Array>,
  pieceBytes: number,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let head: Uint8Array | undefined = new Uint8Array(0);
  let consumed = 0;
  let encoding: string | undefined;
  /** The first characters, kept until the XML declaration (if any) can be read from them. */
  let prologue: string | undefined = '';

  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      const text = bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
      if (prologue !== undefined) {
        prologue += text.slice(0, PROLOGUE_CHARS);
        encoding = declaredEncoding(prologue);
        if (prologue.length >= PROLOGUE_CHARS || prologue.includes('?>')) prologue = undefined;
      }
      return text;
    } catch (cause) {
      if (bytes === undefined) {
        throw new ConverterError('E_TRUNCATED', 'the input ends inside a multi-byte UTF-8 character', {
          adapter: ADAPTER,
          byte: consumed,
          cause,
        });
      }
      const declared =
        encoding !== undefined && !/^utf-?8$/i.test(encoding) ? ` (it declares encoding "${encoding}")` : '';
      throw new ConverterError(
        'E_ENCODING',
        `the input is not valid UTF-8${declared} in bytes ${consumed}–${consumed + bytes.length - 1}; only UTF-8 .nessus exports are supported`,
        { adapter: ADAPTER, byte: consumed, cause },
      );
    }
  };

  function* pieces(bytes: Uint8Array): Generator<string, void, undefined> {
    for (let start = 0; start < bytes.length; start += pieceBytes) {
      const window = bytes.length <= pieceBytes ? bytes : bytes.subarray(start, start + pieceBytes);
      const text = decode(window);
      consumed += window.length;
      if (text.length > 0) yield text;
    }
  }

  for await (const chunk of input) {
    if (head === undefined) {
      yield* pieces(chunk);
      continue;
    }
    // Gather the first bytes before sniffing: the input may arrive one byte at a time.
    const joined: Uint8Array = new Uint8Array(head.length + chunk.length);
    joined.set(head);
    joined.set(chunk, head.length);
    if (joined.length < SNIFF_BYTES) {
      head = joined;
      continue;
    }
    sniffBytes(joined);
    head = undefined;
    yield* pieces(joined);
  }
  if (head !== undefined && head.length > 0) {
    sniffBytes(head);
    yield* pieces(head);
  }
  const rest = decode(undefined);
  if (rest.length > 0) yield rest;
}
