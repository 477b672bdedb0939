import { describe, expect, it } from 'vitest';
import { declaredEncoding, decodeUtf8Pieces } from '../../../adapters/nessus/input.js';
import type { ConverterError } from '../../../src/errors.js';
import { chunksOf } from '../../helpers/chunks.js';

async function collect(bytes: Uint8Array, chunkSize: number, pieceBytes = 1024): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of decodeUtf8Pieces(chunksOf(bytes, chunkSize), pieceBytes)) pieces.push(piece);
  return pieces;
}

async function failure(bytes: Uint8Array, chunkSize = bytes.length): Promise<ConverterError> {
  try {
    await collect(bytes, chunkSize);
  } catch (error) {
    return error as ConverterError;
  }
  throw new Error('expected the input to be refused');
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeUtf8Pieces', () => {
  const text = '<a>Zürich – 日本 🚀 résumé</a>';

  it.each([1, 2, 3, 5, 7, 1000])('keeps multi-byte characters split across %i-byte chunks', async (size) => {
    expect((await collect(encode(text), size)).join('')).toBe(text);
  });

  it('yields pieces no longer than pieceBytes', async () => {
    const long = `<a>${'x'.repeat(10_000)}</a>`;
    const pieces = await collect(encode(long), long.length, 4096);
    expect(pieces.join('')).toBe(long);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(4096);
    expect(pieces.length).toBe(3);
  });

  it.each([1, 4096])(
    'refuses a ZIP/XLSX archive (PK header) in %i-byte chunks with E_FORMAT',
    async (size) => {
      const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
      const error = await failure(zip, size);
      expect(error.code).toBe('E_FORMAT');
      expect(error.message).toContain('ZIP/XLSX archive, not a .nessus XML export');
    },
  );

  it.each([
    ['UTF-16LE with BOM', [0xff, 0xfe, 0x3c, 0x00]],
    ['UTF-16BE with BOM', [0xfe, 0xff, 0x00, 0x3c]],
    ['UTF-16LE without BOM', [0x3c, 0x00, 0x4e, 0x00]],
  ])('refuses %s with E_ENCODING', async (_name, bytes) => {
    const error = await failure(new Uint8Array(bytes));
    expect(error.code).toBe('E_ENCODING');
  });

  it('refuses invalid UTF-8 with E_ENCODING naming the declared encoding', async () => {
    const latin1 = new Uint8Array([
      ...encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>caf'),
      0xe9,
      0x3c,
    ]);
    const error = await failure(latin1, 7);
    expect(error.code).toBe('E_ENCODING');
    expect(error.message).toContain('it declares encoding "ISO-8859-1"');
    expect(error.byte).toBeGreaterThan(0);
  });

  it('reports an input cut inside a multi-byte character as E_TRUNCATED', async () => {
    const cut = encode('<a>日').subarray(0, 5);
    expect((await failure(cut)).code).toBe('E_TRUNCATED');
  });

  it('accepts inputs shorter than the sniffed prefix', async () => {
    expect((await collect(encode('<a'), 1)).join('')).toBe('<a');
  });

  it.each([
    ['<?xml version="1.0" encoding="UTF-8"?>', 'UTF-8'],
    ["<?xml version='1.0' encoding='windows-1252' ?>", 'windows-1252'],
    ['<?xml version="1.0" ?>', undefined],
    ['<a encoding="x">', undefined],
  ])('reads the declared encoding of %s', (head, expected) => {
    expect(declaredEncoding(head)).toBe(expected);
  });
});
