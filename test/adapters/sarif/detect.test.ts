import { openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSarif } from '../../../adapters/sarif/detect.js';
import sarif from '../../../adapters/sarif/index.js';
import { corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';

/** The first 8 KiB of a file, decoded as UTF-8 (what the pipeline hands to `detect`). */
function head(path: string): string {
  const buffer = Buffer.alloc(8192);
  const fd = openSync(path, 'r');
  const read = readSync(fd, buffer, 0, buffer.length, 0);
  return buffer.subarray(0, read).toString('utf8');
}

describe('detectSarif', () => {
  it.each([
    [
      '$schema naming sarif',
      '{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"',
      1,
    ],
    [
      '$schema cut mid-way still names sarif',
      '{\n  "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/m',
      1,
    ],
    ['version 2.1.0 with runs', '{"version":"2.1.0","runs":[{"tool":', 0.95],
    [
      'runs first, version at the end (Bandit)',
      '{\n  "runs": [\n    {\n      "tool": {\n        "driver": {"name": "Bandit"',
      0.8,
    ],
    ['BOM before the object', '\uFEFF{"version": "2.1.0", "runs": []}', 0.95],
    ['Trivy JSON', '{"SchemaVersion": 2, "ArtifactName": "alpine:3.10", "Results": [{"Target": "x"}]}', 0],
    [
      'Trivy JSON mentioning sarif in a description',
      '{"SchemaVersion": 2, "Results": [{"Description": "see sarif runs"}]}',
      0,
    ],
    ['a JSON array', '[{"version": "2.1.0", "runs": []}]', 0],
    ['a console report', '\n  _               _\n ___| |__   ___', 0],
    ['CSV', 'Plugin ID,CVE,CVSS,Risk,Host', 0],
  ])('%s → %s', (_name, text, score) => {
    expect(detectSarif({ head: text })).toBe(score);
  });

  it('uses a .sarif file name only as a weak hint, and only for JSON objects', () => {
    expect(detectSarif({ head: '{"foo": 1}', filename: 'scan.sarif' })).toBe(0.3);
    expect(detectSarif({ head: '{"foo": 1}', filename: 'scan.json' })).toBe(0);
    expect(detectSarif({ head: 'Passed checks: 3', filename: 'checkov.sarif' })).toBe(0);
  });

  it('is the detect of the default-exported adapter', () => {
    expect(sarif.name).toBe('sarif');
    expect(sarif.detect({ head: '{"version":"2.1.0","runs":[' })).toBe(0.95);
  });
});

describe.skipIf(!HAS_CORPUS)('detectSarif on the real-file corpus', () => {
  it.each(corpusFiles('sarif').map((path) => [basename(path), path]))(
    'claims %s unless it is not JSON',
    (name, path) => {
      const score = detectSarif({ head: head(path), filename: name });
      if (name === 'terraform-security-project__checkov-results.sarif') expect(score).toBe(0);
      else expect(score).toBeGreaterThanOrEqual(0.8);
    },
  );

  it.each(
    ['trivy', 'nessus', 'csv'].flatMap((format) => corpusFiles(format).map((path) => [basename(path), path])),
  )('does not claim %s', (name, path) => {
    expect(detectSarif({ head: head(path), filename: name })).toBe(0);
  });
});
