import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/adapter.js';
import { sniffDialect } from '../../src/csv/dialect.js';
import { type ConverterError, isConverterError } from '../../src/errors.js';
import {
  type CsvHeaderRow,
  type CsvHeaderRowsOptions,
  type CsvRow,
  csvRows,
} from '../../src/toolkit/index.js';
import { chunksOf, collect } from '../helpers/chunks.js';
import { CORPUS_SKIP_REASON, corpusFiles, HAS_CORPUS } from '../helpers/corpus.js';
import { csvParseReference } from '../helpers/csv-parse-reference.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));
const FIXTURE_FILES = readdirSync(FIXTURES)
  .filter((name) => /\.(csv|tsv)$/.test(name))
  .sort();

/** The plain data of rows (a header row's `get` and `header` left out), for comparing. */
const plain = (rows: readonly CsvRow[]) =>
  rows.map(({ fields, line, index, latin1 }) => ({ fields, line, index, latin1 }));

/** Rows and issues of `csvRows` in header mode, or the error it ended with. */
async function withHeader(
  input: string | Uint8Array,
  size: number,
  options: Partial<Omit<CsvHeaderRowsOptions, 'onIssue'>> = {},
): Promise<{ rows: CsvHeaderRow[]; issues: Issue[]; error?: unknown }> {
  const issues: Issue[] = [];
  const rows: CsvHeaderRow[] = [];
  try {
    for await (const row of csvRows(chunksOf(input, size), {
      header: true,
      ...options,
      onIssue: (issue) => issues.push(issue),
    }))
      rows.push(row);
  } catch (error) {
    return { rows, issues, error };
  }
  return { rows, issues };
}

async function failure(iterable: AsyncIterable<unknown>): Promise<ConverterError> {
  try {
    await collect(iterable);
  } catch (error) {
    if (isConverterError(error)) return error;
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('csvRows: same output whatever the chunking', () => {
  it.each(FIXTURE_FILES)('%s at 1, 7 and 4096 bytes, with and without a header', async (name) => {
    const bytes = readFileSync(`${FIXTURES}${name}`);
    const rawOf = (size: number) => collect(csvRows(chunksOf(bytes, size))).catch((error: unknown) => error);
    const whole = await withHeader(bytes, bytes.length + 1);
    const raw = await rawOf(bytes.length + 1);
    for (const size of [1, 7, 4096]) {
      const chunked = await withHeader(bytes, size);
      expect(plain(chunked.rows), `${name} at ${size}`).toEqual(plain(whole.rows));
      expect(chunked.issues, `${name} at ${size}`).toEqual(whole.issues);
      expect(String(chunked.error), `${name} at ${size}`).toBe(String(whole.error));
      expect(await rawOf(size), `${name} at ${size}`).toEqual(raw);
    }
  });
});

describe('csvRows: dialects', () => {
  it.each([
    ['comma', 'a,b,c\n1,2,3\n', 1, ['1', '2', '3']],
    ['semicolon (European Excel)', 'a;b;c\r\n1;2,5;3\r\n', 1, ['1', '2,5', '3']],
    ['tab', 'a\tb\tc\n1\t2\t3\n', 1, ['1', '2', '3']],
    ['pipe', 'a|b|c\n1|2|3', 1, ['1', '2', '3']],
    ['an Excel sep= line', 'sep=|\na|b|c\n1|2|3\n', 2, ['1', '2', '3']],
    ['a UTF-8 BOM and a sep= line', '\uFEFFsep=;\r\na;b;c\r\n1;2;3\r\n', 2, ['1', '2', '3']],
    ['a comma, not the semicolon inside quotes', '"a;x",b,c\n1,2,3\n', 1, ['1', '2', '3']],
  ])('detects %s', async (_name, text, headerLine, fields) => {
    const rows = await withHeader(text, 3);
    expect(rows.rows.map((r) => [r.header.line, r.header.width, r.line, r.fields])).toEqual([
      [headerLine, 3, headerLine + 1, fields],
    ]);
  });

  it('reads quoting as the CSV adapter does: doubled quotes, line breaks in cells, stray quotes, mixed endings', async () => {
    const text = 'id,text\r\n1,"say ""hi""\r\nand\nbye"\r2,5" screen\n\n3,"a""b"c\n';
    const rows = await collect(csvRows(chunksOf(text, 1)));
    expect(rows.map((r) => [r.line, r.index, r.fields])).toEqual([
      [1, 0, ['id', 'text']],
      [2, 1, ['1', 'say "hi"\r\nand\nbye']],
      [5, 2, ['2', '5" screen']],
      // The blank line 6 is no row, but counts in lines and record indexes.
      [7, 4, ['3', '"a"b"c']],
    ]);
  });

  it('decodes each row as UTF-8, or as Windows-1252 (reported) when it is not valid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name,value\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x35, 0x0a]), // café,€5 in Windows-1252
      Buffer.from('büro,🔒\n'),
    ]);
    const issues: Issue[] = [];
    const rows = await collect(csvRows(chunksOf(bytes, 1), { onIssue: (issue) => issues.push(issue) }));
    expect(rows.map((r) => [r.fields, r.latin1])).toEqual([
      [['name', 'value'], false],
      [['café', '€5'], true],
      [['büro', '🔒'], false],
    ]);
    expect(issues).toEqual([
      {
        code: 'latin1-fallback',
        message: 'row is not valid UTF-8; decoded as Windows-1252 (Latin-1)',
        line: 2,
        recordIndex: 1,
      },
    ]);
  });

  it('takes a given delimiter instead of detecting one, and refuses one the splitter cannot use', async () => {
    const rows = await collect(csvRows(chunksOf('a:b,c\n1:2,3\n', 2), { delimiter: ':' }));
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b,c'],
      ['1', '2,3'],
    ]);
    for (const delimiter of ['"', '\n', ';;', 'é', ''])
      expect((await failure(csvRows(chunksOf('a,b\n', 4), { delimiter }))).code).toBe('E_CONFIG');
  });

  it('gives nothing for an empty input, a lone BOM or blank lines only', async () => {
    for (const text of ['', '\uFEFF', '\n\r\n\n'])
      expect(await collect(csvRows(chunksOf(text, 1), { header: true, onIssue: () => {} }))).toEqual([]);
  });
});

describe('csvRows: chunks', () => {
  it('does not keep views of chunks the caller reuses, also while it detects the dialect', async () => {
    const buffer = new Uint8Array(8);
    async function* reused(): AsyncGenerator<Uint8Array> {
      for (const piece of ['ab;', 'cd\n1;', '2\n3;"x', '\ny"\n']) {
        buffer.fill(0x20);
        const bytes = Buffer.from(piece);
        buffer.set(bytes);
        yield buffer.subarray(0, bytes.length);
      }
    }
    expect((await collect(csvRows(reused()))).map((r) => r.fields)).toEqual([
      ['ab', 'cd'],
      ['1', '2'],
      ['3', 'x\ny'],
    ]);
  });
});

describe('csvRows with a header', () => {
  it('gives each row with its header, by name and as an object', async () => {
    const { rows, issues } = await withHeader('Host,Plugin ID, Risk \n10.0.0.1,19506,None\n', 5);
    expect(issues).toEqual([]);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.header.names).toEqual(['Host', 'Plugin ID', ' Risk ']);
    expect(row?.header.line).toBe(1);
    expect(row?.get('plugin  id')).toBe('19506');
    expect(row?.get('RISK')).toBe('None');
    expect(row?.get('CVE')).toBeUndefined();
    expect(row?.values).toEqual({ Host: '10.0.0.1', 'Plugin ID': '19506', ' Risk ': 'None' });
  });

  it('keeps every column of a header with duplicate and empty names by position', async () => {
    const { rows } = await withHeader('Port,,port,Name,__proto__\n443,x,8443,web,p\n', 7);
    expect(rows[0]?.fields).toEqual(['443', 'x', '8443', 'web', 'p']);
    // A name finds its first column; the others and the unnamed one are reached by position.
    expect(rows[0]?.get('PORT')).toBe('443');
    expect(rows[0]?.values).toEqual({ Port: '443', Name: 'web', ['__proto__']: 'p' });
    expect(Object.getPrototypeOf(rows[0]?.values)).toBe(Object.prototype);
  });

  it('reports ragged and empty rows, skipped, with their line and record index', async () => {
    const text = 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n,, \n10,11,12\n';
    const { rows, issues } = await withHeader(text, 4);
    expect(rows.map((r) => r.fields)).toEqual([
      ['1', '2', '3'],
      ['10', '11', '12'],
    ]);
    expect(issues).toEqual([
      {
        code: 'ragged-row',
        message: 'row has 2 fields but the header (line 1) has 3; skipped',
        line: 3,
        recordIndex: 2,
        skipped: true,
      },
      {
        code: 'ragged-row',
        message: 'row has 4 fields but the header (line 1) has 3; skipped',
        line: 4,
        recordIndex: 3,
        skipped: true,
      },
      { code: 'empty-row', message: 'row has no values; skipped', line: 5, recordIndex: 4, skipped: true },
    ]);
  });

  it('yields ragged rows with keepRaggedRows, still reporting them', async () => {
    const { rows, issues } = await withHeader('a,b,c\n1,2\n', 1, { keepRaggedRows: true });
    expect(rows[0]?.fields).toEqual(['1', '2']);
    expect(rows[0]?.get('c')).toBeUndefined();
    expect(rows[0]?.values).toEqual({ a: '1', b: '2' });
    expect(issues).toEqual([
      {
        code: 'ragged-row',
        message: 'row has 2 fields but the header (line 1) has 3',
        line: 2,
        recordIndex: 1,
      },
    ]);
  });

  it('finds the header after a report preamble with a header test, and reports the preamble once', async () => {
    const text = '"Scan Results"\n\n"Report generated","2026-01-01"\nIP,QID,Title\n10.0.0.1,38173,SSL\n';
    const tried: string[][] = [];
    const { rows, issues } = await withHeader(text, 7, {
      header: (candidate) => {
        tried.push([...candidate.names]);
        return candidate.indexOf('qid') !== -1;
      },
    });
    expect(tried).toEqual([['Scan Results'], ['Report generated', '2026-01-01'], ['IP', 'QID', 'Title']]);
    expect(rows.map((r) => [r.line, r.get('QID')])).toEqual([[5, '38173']]);
    expect(issues).toEqual([
      {
        code: 'preamble-skipped',
        message: '2 row(s) before the header were skipped as a report preamble',
        line: 4,
        recordIndex: 3,
      },
    ]);
  });

  it('refuses an input whose header is not found, with the line of the first row', async () => {
    const never = () => false;
    const atEnd = await withHeader('\nx,y\n1,2\n', 3, { header: never });
    expect(isConverterError(atEnd.error) && [atEnd.error.code, atEnd.error.line]).toEqual(['E_FORMAT', 2]);
    expect(String(atEnd.error)).toContain('no header row found in the first 2 row(s); the first is "x", "y"');
    const beyond = await withHeader(Array.from({ length: 50 }, (_, i) => `r${i},v\n`).join(''), 64, {
      header: never,
      headerSearchRows: 5,
      adapter: 'mine',
    });
    expect(
      isConverterError(beyond.error) && [beyond.error.code, beyond.error.line, beyond.error.adapter],
    ).toEqual(['E_FORMAT', 1, 'mine']);
    expect(String(beyond.error)).toContain('in the first 5 row(s)');
    const custom = await withHeader('x,y\n', 3, {
      header: never,
      headerNotFound: (first, searched) => new Error(`not mine: ${first.names.join('|')} after ${searched}`),
    });
    expect(String(custom.error)).toBe('Error: not mine: x|y after 1');
  });
});

describe('csvRows: errors with positions', () => {
  it('refuses an unclosed quote as E_TRUNCATED at the line and index where the record starts, after the rows before it', async () => {
    const rows: CsvRow[] = [];
    let error: unknown;
    try {
      for await (const row of csvRows(chunksOf('a,b\n1,2\n3,"never\nclosed\n', 7), { adapter: 'mine' }))
        rows.push(row);
    } catch (caught) {
      error = caught;
    }
    expect(rows).toHaveLength(2);
    expect(isConverterError(error) && [error.code, error.line, error.recordIndex, error.adapter]).toEqual([
      'E_TRUNCATED',
      3,
      2,
      'mine',
    ]);
  });

  it('refuses a record over maxRecordBytes as E_UNSAFE with its line, before reading it all', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a,b\n1,2\n3,"');
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 0x78);
      }
    }
    const error = await failure(csvRows(endless(), { maxRecordBytes: 64 * 1024 }));
    expect([error.code, error.line, error.recordIndex]).toEqual(['E_UNSAFE', 3, 2]);
    expect(pulled).toBeLessThan(80);
  });

  it('refuses a first line that never ends within the size limit', async () => {
    const error = await failure(
      csvRows(chunksOf(`a,${'x'.repeat(300_000)}`, 4096), { maxRecordBytes: 100_000 }),
    );
    expect([error.code, error.line]).toEqual(['E_UNSAFE', 1]);
  });

  it('refuses UTF-16 and NUL bytes as E_ENCODING, naming the adapter', async () => {
    const utf16 = await failure(
      csvRows(chunksOf(Buffer.from('\uFEFFa,b\n', 'utf16le'), 2), { adapter: 'mine' }),
    );
    expect([utf16.code, utf16.adapter]).toEqual(['E_ENCODING', 'mine']);
    expect((await failure(csvRows(chunksOf('a\0,b\n', 2)))).code).toBe('E_ENCODING');
  });
});

describe.skipIf(!HAS_CORPUS)('csvRows against csv-parse on the corpus CSV files', () => {
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});
  const files = corpusFiles('csv');
  it('has corpus CSV files to read', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  it.each(files.map((file) => [basename(file), file]))('%s', async (_name, file) => {
    const bytes = readFileSync(file);
    const dialect = sniffDialect(bytes, true);
    if (dialect === undefined) throw new Error('a whole file always has a dialect');
    const expected = csvParseReference(
      bytes.subarray(dialect.skip),
      dialect.delimiter,
      8 * 1024 * 1024,
      dialect.firstLine,
    );
    expect(expected.error).toBeUndefined();
    // csvRows leaves blank lines out; csv-parse gives them as one empty field.
    const blank = (r: CsvRow) => r.fields.length === 1 && r.fields[0] === '';
    const oracle = expected.records.filter((r) => !blank(r));
    for (const size of [7, 65_536])
      expect(plain(await collect(csvRows(chunksOf(bytes, size))))).toEqual(plain(oracle));
  });
});
