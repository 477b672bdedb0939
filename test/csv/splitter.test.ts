import { describe, expect, it } from 'vitest';
import { type CsvRow, CsvSplitter } from '../../src/csv/splitter.js';
import { type CsvOutcome, csvParseReference as reference } from '../helpers/csv-parse-reference.js';
import { seededRandom } from '../helpers/random.js';

/** Feeds `bytes` to a splitter in chunks of the sizes `sizes()` returns. */
function split(
  bytes: Buffer,
  delimiter: string,
  maxRecordBytes: number,
  sizes: () => number,
  firstLine = 1,
): CsvOutcome {
  const splitter = new CsvSplitter(delimiter, firstLine, maxRecordBytes);
  const records: CsvRow[] = [];
  const drain = (): void => {
    for (let record = splitter.next(); record !== undefined; record = splitter.next()) records.push(record);
  };
  for (let at = 0; at < bytes.length && splitter.error === undefined; ) {
    const size = Math.max(1, sizes());
    splitter.write(bytes.subarray(at, at + size));
    drain();
    at += size;
  }
  splitter.end();
  drain();
  const error = splitter.error;
  return { records, error: error !== undefined ? [error.code, error.line, error.recordIndex] : undefined };
}

/** Bits of CSV that exercise every rule: quotes, doubled and stray; delimiters; line breaks; UTF-8 and not. */
const PIECES: (string | number[])[] = [
  'a',
  'bc',
  ' ',
  '"',
  '""',
  '"""',
  ',',
  ';',
  '\t',
  '|',
  '\r',
  '\n',
  '\r\n',
  '\n\r',
  'é',
  '€',
  '🔒',
  [0xe9], // é in Windows-1252: not UTF-8
  [0x80, 0x93],
  [0xf0, 0x9f], // a cut 4-byte character
  [0x00],
];

function randomPiece(random: () => number): Buffer {
  const piece = PIECES[Math.floor(random() * PIECES.length)]!;
  return Buffer.from(piece as string & number[]);
}

/** Free-form noise: any sequence of pieces, so quotes land everywhere. */
function randomNoise(random: () => number): Buffer {
  const parts: Buffer[] = [];
  const n = Math.floor(random() * 40);
  for (let i = 0; i < n; i++) parts.push(randomPiece(random));
  return Buffer.concat(parts);
}

/** CSV-shaped text: rows of cells, some quoted with doubled quotes and line breaks inside. */
function randomTable(random: () => number, delimiter: string): Buffer {
  const parts: Buffer[] = [];
  const rows = Math.floor(random() * 6);
  const endings = ['\r\n', '\n', '\r'];
  for (let r = 0; r < rows; r++) {
    const cells = 1 + Math.floor(random() * 5);
    for (let c = 0; c < cells; c++) {
      if (c > 0) parts.push(Buffer.from(delimiter));
      const content = Buffer.concat(
        Array.from({ length: Math.floor(random() * 4) }, () => randomPiece(random)),
      );
      if (random() < 0.5) {
        const escaped = Buffer.from(content.toString('latin1').replaceAll('"', '""'), 'latin1');
        parts.push(Buffer.from('"'), escaped, Buffer.from('"'));
      } else if (!/[\r\n"]/.test(content.toString('latin1'))) parts.push(content);
    }
    if (r < rows - 1 || random() < 0.7) parts.push(Buffer.from(endings[Math.floor(random() * 3)]!));
  }
  return Buffer.concat(parts);
}

describe('CsvSplitter against csv-parse', () => {
  it('gives the same records, line numbers, decoding and errors on 4,000 random inputs at any chunking', () => {
    const random = seededRandom(20260101);
    let errors = 0;
    let latin1 = 0;
    for (let run = 0; run < 4000; run++) {
      const delimiter = [',', ';', '\t', '|'][run % 4]!;
      const bytes = run % 2 === 0 ? randomNoise(random) : randomTable(random, delimiter);
      const maxRecordBytes = random() < 0.3 ? 1 + Math.floor(random() * 12) : 1 << 20;
      const expected = reference(bytes, delimiter, maxRecordBytes);
      const context = `run ${run}: ${JSON.stringify(bytes.toString('latin1'))} ${JSON.stringify(delimiter)} max ${maxRecordBytes}`;
      expect(
        split(bytes, delimiter, maxRecordBytes, () => bytes.length),
        context,
      ).toEqual(expected);
      expect(
        split(bytes, delimiter, maxRecordBytes, () => 1),
        context,
      ).toEqual(expected);
      const sizes = () => 1 + Math.floor(random() * 7);
      expect(split(bytes, delimiter, maxRecordBytes, sizes), context).toEqual(expected);
      if (expected.error !== undefined) errors++;
      if (expected.records.some((r) => r.latin1)) latin1++;
    }
    // The inputs reach both errors and the Windows-1252 fallback often enough to mean something.
    expect(errors).toBeGreaterThan(400);
    expect(latin1).toBeGreaterThan(400);
  });
});

describe('CsvSplitter', () => {
  const one = (text: string | Buffer, max = 1 << 20, delimiter = ','): CsvOutcome =>
    split(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'), delimiter, max, () => 1 << 20);

  it.each([
    ['doubled quotes', '"say ""hi""",x', ['say "hi"', 'x']],
    ['a stray quote in an unquoted cell', '5" screen,x', ['5" screen', 'x']],
    ['text after a closing quote (the opening quote is put back)', '"a""b"c,x', ['"a"b"c', 'x']],
    ['a NUL after a closing quote (closes like the end of the input)', '"ab"\0c,x', ['ab\0c', 'x']],
    ['a quote that is not the first byte', ' "a,b"', [' "a', 'b"']],
    ['an empty last cell', 'a,', ['a', '']],
    ['an empty quoted cell', '"",""', ['', '']],
  ])('reads %s as csv-parse does', (_name, text, fields) => {
    expect(one(text).records.map((r) => r.fields)).toEqual([fields]);
    expect(reference(Buffer.from(text, 'latin1'), ',', 1 << 20).records.map((r) => r.fields)).toEqual([
      fields,
    ]);
  });

  it('numbers records by their first line, counting CRLF once, lone CRs and breaks inside cells', () => {
    const out = one('a\r\n"x\r\ny\rz"\n\r\nb\r\rc', 1 << 20);
    expect(out.records.map((r) => [r.line, r.index, r.fields])).toEqual([
      [1, 0, ['a']],
      [2, 1, ['x\r\ny\rz']],
      [5, 2, ['']],
      [6, 3, ['b']],
      [7, 4, ['']],
      [8, 5, ['c']],
    ]);
  });

  it('starts numbering at the line it is given (after an Excel sep= line)', () => {
    const out = split(Buffer.from('a\nb'), ',', 100, () => 1, 2);
    expect(out.records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('lets a record reach one byte over the cap, as csv-parse did, and refuses two', () => {
    expect(one('abcd,ef', 5).error).toBeUndefined();
    expect(one('x\nabcd,efg\ny', 5).error).toEqual(['E_UNSAFE', 2, 1]);
    expect(one('x\nabcd,efg\ny', 5).records.map((r) => r.fields)).toEqual([['x']]);
  });

  it.each([
    ['a quote closed by NUL', '"abc"\0d\n', 'abc\0d'],
    ['a stray quote', '"ab"cd\n', '"ab"cd'],
    ['doubled quotes', '"a""b""c"\n', 'a"b"c'],
  ])('counts the content of a cell with %s against the cap between 1-byte chunks', (_name, text, cell) => {
    const bytes = Buffer.from(text, 'latin1');
    const max = cell.length - 1;
    expect(split(bytes, ',', max, () => 1).records.map((r) => r.fields)).toEqual([[cell]]);
    expect(split(bytes, ',', max - 1, () => 1).error).toEqual(['E_UNSAFE', 1, 0]);
    expect(reference(bytes, ',', max - 1).error).toEqual(['E_UNSAFE', 1, 0]);
  });

  it('refuses a record over the cap before its end arrives, holding no more than the cap plus a chunk', () => {
    const splitter = new CsvSplitter(',', 1, 1000);
    splitter.write(Buffer.from('a,"'));
    expect(splitter.next()).toBeUndefined();
    let chunks = 0;
    while (splitter.error === undefined && chunks < 100) {
      splitter.write(Buffer.alloc(100, 0x78));
      expect(splitter.next()).toBeUndefined();
      chunks++;
    }
    expect(chunks).toBe(11);
    expect([splitter.error?.code, splitter.error?.line]).toEqual(['E_UNSAFE', 1]);
  });

  it('reports the end of the input inside a quoted cell with the line the record starts on', () => {
    expect(one('a\n"b\nc').error).toEqual(['E_TRUNCATED', 2, 1]);
    expect(one('a\n"b""').error).toEqual(['E_TRUNCATED', 2, 1]);
  });

  it('decodes a record as Windows-1252 only when one of its cells is not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('café,'),
      Buffer.from([0x80, 0x0a]), // € in Windows-1252
      Buffer.from('"büro ""1""",ok\n'),
    ]);
    const out = one(bytes);
    expect(out.records.map((r) => [r.fields, r.latin1])).toEqual([
      [['cafÃ©', '€'], true],
      [['büro "1"', 'ok'], false],
    ]);
  });
});
