import { describe, expect, it } from 'vitest';
import { TRUNCATION_MARKER } from '../../src/asff/limits.js';
import { codePointLength, hasCredentials, mayStartCredential, truncateText } from '../../src/asff/text.js';
import { seededRandom } from '../helpers/random.js';

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** The code-point-by-code-point truncation this module used before it cut by index. */
function referenceTruncate(text: string, max: number): string {
  if ([...text].length <= max) return text;
  const marker = max > TRUNCATION_MARKER.length * 2 ? TRUNCATION_MARKER : '…';
  const keep = Math.max(0, max - [...marker].length);
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n >= keep) break;
    out += ch;
    n++;
  }
  return out.trimEnd() + marker;
}

const TEXT_PIECES = ['a', 'b', ' ', '  ', '\n', 'é', '中', '😀', '𝒳', '\uD800', '\uDC00', 'xyz', '\t'];

describe('truncateText', () => {
  it('cuts exactly like the code-point reference, surrogates and trailing spaces included', () => {
    const next = seededRandom(7);
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const pieces = Math.floor(next() * 60);
      for (let i = 0; i < pieces; i++) text += pick(next, TEXT_PIECES);
      const max = 1 + Math.floor(next() * 40);
      expect(codePointLength(text)).toBe([...text].length);
      expect(truncateText(text, max), JSON.stringify({ text, max })).toBe(referenceTruncate(text, max));
    }
  });

  it('never splits a surrogate pair at the cut', () => {
    const out = truncateText(`${'😀'.repeat(40)}`, 30);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect([...out.slice(0, -TRUNCATION_MARKER.length)].every((ch) => ch === '😀')).toBe(true);
  });
});

// Fragments that build strings near the credential patterns: keywords in several cases, separators, quotes,
// JSON-escaped characters (controls, lone surrogates) right before keyword tails.
const CREDENTIAL_PIECES = [
  'AKIA',
  'ASIA',
  'akia',
  'ABCDEFGHIJKLMNOP',
  '1234567890123456',
  'aws_secret_access_key',
  'AWS_SECRET_ACCESS_KEY',
  'Secret_Access_Key',
  'secretaccesskey',
  'sEcReT_aCcEsS_kEy',
  'SECRETaccessKEY',
  'AwS_SeSsIoN_ToKeN',
  '-----BeGiN ',
  'akia',
  'aws_session_token',
  'ws_session_token',
  'session_token',
  'secret',
  'Secret',
  'ecret',
  'ession_token',
  '=',
  ': ',
  '"',
  "'",
  '\\',
  '\n',
  '\u001a',
  '\u001e',
  '\uDBEC',
  '\uDC0A',
  '😀',
  'wJalrXUtnFEMI/K7MDENG',
  'abcdefghij',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  '-----begin rsa private key-----',
  'PRIVATE KEY',
  ' ',
  'x',
];

describe('mayStartCredential', () => {
  it('is true for every key or value whose JSON could make hasCredentials true', () => {
    const next = seededRandom(11);
    let flagged = 0;
    for (let round = 0; round < 20000; round++) {
      const part = (): string => {
        let text = '';
        const pieces = Math.floor(next() * 7);
        for (let i = 0; i < pieces; i++) text += pick(next, CREDENTIAL_PIECES);
        return text;
      };
      const record: Record<string, string> = {};
      for (let i = Math.floor(next() * 3) + 1; i > 0; i--) record[part()] = part();
      const json = JSON.stringify(record);
      if (!hasCredentials(json)) continue;
      flagged++;
      const caught = Object.entries(record).some(
        ([key, value]) => mayStartCredential(key) || mayStartCredential(value),
      );
      expect(caught, json).toBe(true);
    }
    // The cases must exercise the patterns, not only miss them.
    expect(flagged).toBeGreaterThan(1000);
  });

  it('lets ordinary prose through, "secret" included', () => {
    expect(mayStartCredential('Hard-coded secret in a configuration file')).toBe(false);
    expect(mayStartCredential('session cookie without the Secure flag')).toBe(false);
    expect(mayStartCredential('key AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(mayStartCredential('SECRET_ACCESS_KEY=…')).toBe(true);
  });
});
