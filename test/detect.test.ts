import { describe, expect, it } from 'vitest';
import { defineAdapter } from '../src/adapter.js';
import { describeBinary, detectAdapter, extensionOf } from '../src/detect.js';

const make = (name: string, score: number, extensions: string[] = []) =>
  defineAdapter({
    name,
    meta: { description: name, extensions, identity: '' },
    detect: () => score,
    async *parse() {},
  });

describe('detectAdapter', () => {
  it('picks the highest score', () => {
    expect(detectAdapter({ head: '{}' }, [make('a', 0.2), make('b', 0.9)]).name).toBe('b');
  });

  it('uses the extension only to break near-ties', () => {
    const adapters = [make('a', 0.5), make('b', 0.5, ['csv'])];
    expect(detectAdapter({ head: 'x', filename: 'r.csv' }, adapters).name).toBe('b');
    expect(
      detectAdapter({ head: 'x', filename: 'r.csv' }, [make('a', 0.9), make('b', 0.5, ['csv'])]).name,
    ).toBe('a');
  });

  it('names the formats tried when nothing matches', () => {
    expect(() => detectAdapter({ head: '{"a":1}' }, [make('sarif', 0), make('trivy', 0)])).toThrow(
      /no adapter recognises this input \(JSON\); tried sarif, trivy/,
    );
  });

  it('refuses known binary formats by magic bytes', () => {
    expect(() =>
      detectAdapter({ head: 'PK', headBytes: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]) }, [make('a', 1)]),
    ).toThrow(/ZIP archive/);
    expect(describeBinary(Buffer.from('plain text, nothing binary'))).toBeUndefined();
  });

  it('routes an empty input by extension, or refuses it', () => {
    expect(detectAdapter({ head: '', filename: 'empty.csv' }, [make('csv', 0, ['csv'])]).name).toBe('csv');
    expect(() => detectAdapter({ head: '' }, [make('csv', 0, ['csv'])])).toThrow(/input is empty/);
  });

  it('reads extensions through .gz', () => {
    expect(extensionOf('scan.nessus.gz')).toBe('nessus');
    expect(extensionOf('noext')).toBeUndefined();
  });
});
