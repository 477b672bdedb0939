import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { windows1252 } from '../../src/csv/decode.js';
import { type CsvRow, csvRows } from '../../src/csv/rows.js';
import { isConverterError } from '../../src/errors.js';
import { chunksOf } from '../helpers/chunks.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));

async function records(
  input: string | Uint8Array,
  size = 1 << 20,
  maxRecordBytes?: number,
): Promise<CsvRow[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const out: CsvRow[] = [];
  for await (const record of csvRows(chunksOf(bytes, size), maxRecordBytes ? { maxRecordBytes } : {})) {
    out.push(record);
  }
  return out;
}

/** Records read until a failure, and the failure. */
async function until(input: string, maxRecordBytes?: number): Promise<{ read: CsvRow[]; error: unknown }> {
  const read: CsvRow[] = [];
  try {
    const options = maxRecordBytes !== undefined ? { maxRecordBytes } : {};
    for await (const record of csvRows(chunksOf(Buffer.from(input), 7), options)) read.push(record);
  } catch (error) {
    return { read, error };
  }
  return { read, error: undefined };
}

describe('csvRows: reading records', () => {
  it('numbers each record by its first line across CRLF, LF, CR and line breaks inside quoted cells', async () => {
    const text = 'a,b\n1,2\r\n3,"x\r\ny\nz"\r4,5\n\n6,7';
    const out = await records(text);
    // The blank line 7 is not a row, but it counts in the line numbers and record indexes.
    expect(out.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', 'x\r\ny\nz']],
      [6, ['4', '5']],
      [8, ['6', '7']],
    ]);
    expect(out.map((r) => r.index)).toEqual([0, 1, 2, 3, 5]);
  });

  it('reads doubled quotes and keeps stray quotes in unquoted cells', async () => {
    const out = await records('a,b\n"say ""hi""",5" screen\n');
    expect(out[1]?.fields).toEqual(['say "hi"', '5" screen']);
  });

  it('drops a UTF-8 BOM and follows an Excel sep= line', async () => {
    const out = await records('\uFEFFsep=;\r\na;b\r\n1;2,5\r\n');
    expect(out.map((r) => [r.line, r.fields])).toEqual([
      [2, ['a', 'b']],
      [3, ['1', '2,5']],
    ]);
  });

  it.each([
    ['comma', 'a,b;c\n1,2;3\n', ['a', 'b;c']],
    ['semicolon', 'a;b;c,d\n', ['a', 'b', 'c,d']],
    ['tab', 'a\tb\tc\n', ['a', 'b', 'c']],
  ])('sniffs the %s delimiter from the header line', async (_name, text, header) => {
    expect((await records(text))[0]?.fields).toEqual(header);
  });

  it('yields nothing for a zero-byte input or a lone BOM', async () => {
    expect(await records('')).toEqual([]);
    expect(await records(Buffer.from([0xef, 0xbb, 0xbf]))).toEqual([]);
  });

  it('reads a header-only file without a trailing newline', async () => {
    expect((await records('a,b,c')).map((r) => r.fields)).toEqual([['a', 'b', 'c']]);
  });

  it('decodes each record as UTF-8, or as Windows-1252 when that record is not valid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name,value\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x35, 0x0a]), // café,€5 in Windows-1252
      Buffer.from('büro,ok\n'),
    ]);
    const out = await records(bytes);
    expect(out.map((r) => [r.fields, r.latin1])).toEqual([
      [['name', 'value'], false],
      [['café', '€5'], true],
      [['büro', 'ok'], false],
    ]);
  });

  it('gives the same records for 1-byte chunks as for the whole input, multi-byte characters included', async () => {
    for (const name of [
      'utf8-multibyte.csv',
      'dialect-mixed-endings.csv',
      'latin1.csv',
      'nessus-default.csv',
    ]) {
      const bytes = await readFile(`${FIXTURES}${name}`);
      const whole = await records(bytes);
      expect(await records(bytes, 1)).toEqual(whole);
      expect(await records(bytes, 2)).toEqual(whole);
      expect(whole.length).toBeGreaterThan(2);
    }
  });

  it('splits a 4-byte character across chunks without damage', async () => {
    const bytes = Buffer.from('a,b\n🔒,x\n');
    const lock = bytes.indexOf(0xf0);
    const parts = [bytes.subarray(0, lock + 2), bytes.subarray(lock + 2)];
    async function* two(): AsyncGenerator<Uint8Array> {
      yield* parts;
    }
    const out: CsvRow[] = [];
    for await (const record of csvRows(two())) out.push(record);
    expect(out[1]).toMatchObject({ fields: ['🔒', 'x'], latin1: false });
  });

  it('refuses a record over the size cap as E_UNSAFE after yielding the records before it', async () => {
    const { read, error } = await until(`a,b\n1,2\n3,"${'x'.repeat(200)}"\n`, 100);
    expect(read.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(isConverterError(error) && error.code).toBe('E_UNSAFE');
    expect(isConverterError(error) && error.line).toBe(3);
  });

  it('refuses a first line that never ends without buffering it whole', async () => {
    const endless = `a,${'x'.repeat(1_500_000)}`;
    await expect(records(endless, 65_536, 100_000)).rejects.toMatchObject({ code: 'E_UNSAFE', line: 1 });
  });

  it('reports an input ending inside a quoted cell as E_TRUNCATED at the line the record starts', async () => {
    const { read, error } = await until('a,b\n1,2\n3,"never\nclosed\n');
    expect(read).toHaveLength(2);
    expect(isConverterError(error) && [error.code, error.line]).toEqual(['E_TRUNCATED', 3]);
  });

  it('refuses UTF-16 and NUL bytes as E_ENCODING', async () => {
    const utf16 = Buffer.from('\uFEFFa,b\n', 'utf16le');
    await expect(records(utf16)).rejects.toMatchObject({ code: 'E_ENCODING' });
    await expect(records(Buffer.from('a\0,b\n'))).rejects.toMatchObject({ code: 'E_ENCODING' });
  });

  it('stops reading the input when the consumer stops early', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield Buffer.from(i === 0 ? 'a,b\n' : `${i},x\n`);
        }
      } finally {
        pulled = -pulled;
      }
    }
    for await (const record of csvRows(source())) if (record.index === 3) break;
    expect(pulled).toBeLessThan(0);
    expect(-pulled).toBeLessThan(10);
  });
});

describe('windows1252', () => {
  it('maps the Windows-1252 range 0x80–0x9F and keeps its five undefined bytes', () => {
    expect(windows1252('\x80\x85\x93\x94\x99\x81')).toBe('€…“”™\x81');
  });
});
