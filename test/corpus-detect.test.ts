import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectAdapter } from '../src/detect.js';
import { openInput } from '../src/internal/input.js';
import { ADAPTER_NAMES, builtinAdapters } from '../src/registry.js';
import { runCli } from './helpers/cli.js';
import { CORPUS_SKIP_REASON, corpusFiles, HAS_CORPUS } from './helpers/corpus.js';

/**
 * Malformed real-world files (corpus README "Malformed real-world inputs") and what must happen to them:
 * `detect` = refused at detection with this message; `exit2` = detected, then refused by the adapter (exit 2).
 */
const MALFORMED: Record<string, { refused: 'detect' | 'exit2'; message: RegExp }> = {
  'terraform-security-project__checkov-results.sarif': {
    refused: 'detect',
    message: /no adapter recognises this input/,
  },
  'hacketscript__sample.nessus': { refused: 'detect', message: /ZIP archive/ },
  'ruby-nessus__example_v1.nessus': { refused: 'exit2', message: /v1|NessusClientData/ },
  'ruby-nessus__example_v_wrong.nessus': {
    refused: 'exit2',
    message: /NessusClientData_vwrong|root element/,
  },
};

const adapters = ADAPTER_NAMES.map((name) => builtinAdapters[name]);
const cases = ['sarif', 'trivy', 'nessus', 'csv'].flatMap((format) =>
  corpusFiles(format).map((path) => ({ format, path })),
);

describe.skipIf(!HAS_CORPUS)('format detection over the real-file corpus', () => {
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});

  it.each(cases.filter((c) => MALFORMED[basename(c.path)] === undefined))(
    'detects $path as $format',
    async ({ format, path }) => {
      const opened = await openInput(path);
      try {
        const sample = { head: opened.head, headBytes: opened.headBytes, filename: basename(path) };
        expect(detectAdapter(sample, adapters).name).toBe(format);
        // Content alone (no file name hint) must be enough, except for empty files.
        if (opened.head.trim() !== '')
          expect(detectAdapter({ head: opened.head, headBytes: opened.headBytes }, adapters).name).toBe(
            format,
          );
      } finally {
        // Detection reads only the head: the rest of the file is left unread, so it must be closed.
        await opened.close();
      }
    },
  );

  it.each(Object.entries(MALFORMED))('refuses %s with exit 2 and a clear message', async (name, expected) => {
    const path = cases.find((c) => basename(c.path) === name)?.path;
    expect(path).toBeDefined();
    const r = await runCli(['convert', path!, '--account', '123456789012', '--region', 'us-east-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected.message);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('error:')),
    ).toHaveLength(1);
    if (expected.refused === 'detect') expect(r.stderr).not.toMatch(/converted \d+ finding/);
  });
});
