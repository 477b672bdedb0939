import { describe, expect, it } from 'vitest';
import { SNIFF_MAX_BYTES, sniffDialect } from '../../src/csv/dialect.js';

describe('sniffDialect', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');

  it.each([
    ['a,b,c\n', ','],
    ['a;b;c\n', ';'],
    ['a\tb\tc\n', '\t'],
    ['a|b|c\n', '|'],
    ['"x,y,z";b;c\n', ';'],
    ['Scan report\na;b;c\n', ';'],
    ['title\n', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(sniffDialect(bytes(text), true)?.delimiter).toBe(delimiter);
  });

  it('waits for the end of the first line before deciding', () => {
    expect(sniffDialect(bytes('a;b'), false)).toBeUndefined();
    expect(sniffDialect(bytes('a;b\r'), false)).toBeUndefined();
    expect(sniffDialect(bytes('a;b\r\n'), false)).toEqual({ delimiter: ';', skip: 0, firstLine: 1 });
    expect(sniffDialect(bytes('"a\nb";c\n'), false)?.delimiter).toBe(';');
  });

  it('skips the BOM and an Excel sep= line', () => {
    expect(sniffDialect(bytes('\xef\xbb\xbfa;b\n'), false)).toEqual({
      delimiter: ';',
      skip: 3,
      firstLine: 1,
    });
    expect(sniffDialect(bytes('\xef\xbb\xbfsep=\t\r\na\tb\n'), false)).toEqual({
      delimiter: '\t',
      skip: 10,
      firstLine: 2,
    });
  });
});

describe('sniffDialect on a first line that never ends', () => {
  it('decides once it has seen SNIFF_MAX_BYTES instead of buffering the whole line', () => {
    const long = Buffer.alloc(SNIFF_MAX_BYTES, 0x61);
    long[10] = 0x3b;
    expect(sniffDialect(long.subarray(0, 1000), false)).toBeUndefined();
    expect(sniffDialect(long, false)).toEqual({ delimiter: ';', skip: 0, firstLine: 1 });
  });
});
