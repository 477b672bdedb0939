import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrivy, type TrivyParseTuning } from '../../../adapters/trivy/parse.js';
import type { Finding, Issue } from '../../../src/adapter.js';

/** What one adapter-level parse produced, and what it left in its temp directory. */
export interface ParseOutcome {
  findings: Finding[];
  issues: Issue[];
  /** Files left in the temp directory after the parse (must be none). */
  leftovers: string[];
  error?: unknown;
}

/** Options of {@link parseAll}. */
export interface ParseAllOptions {
  options?: Record<string, unknown>;
  tuning?: TrivyParseTuning;
  filename?: string;
  /** Called with each finding and the temp directory (to look at spools mid-stream); return false to stop. */
  onFinding?: (finding: Finding, tempDir: string) => Promise<boolean | undefined> | boolean | undefined;
}

/** Runs the Trivy adapter's parse directly (no toAsff), in a fresh temp directory; errors are returned. */
export async function parseAll(
  input: AsyncIterable<Uint8Array>,
  opts: ParseAllOptions = {},
): Promise<ParseOutcome> {
  const tempDir = await mkdtemp(join(tmpdir(), 'trivy-parse-test-'));
  const findings: Finding[] = [];
  const issues: Issue[] = [];
  let error: unknown;
  try {
    const ctx = {
      onIssue: (issue: Issue) => issues.push(issue),
      options: opts.options ?? {},
      tempDir,
      ...(opts.filename !== undefined ? { filename: opts.filename } : {}),
    };
    for await (const finding of parseTrivy(input, ctx, opts.tuning)) {
      findings.push(finding);
      if ((await opts.onFinding?.(finding, tempDir)) === false) break;
    }
  } catch (caught) {
    error = caught;
  }
  const leftovers = await readdir(tempDir);
  await rm(tempDir, { recursive: true, force: true });
  return { findings, issues, leftovers, ...(error !== undefined ? { error } : {}) };
}

/** A deep copy of parsed JSON with every object's keys reordered (reversed or sorted), at every level. */
export function reorderKeys(value: unknown, order: 'reverse' | 'sorted'): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, order));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const ordered = order === 'sorted' ? [...keys].sort() : [...keys].reverse();
  const out: Record<string, unknown> = {};
  for (const key of ordered) out[key] = reorderKeys((value as Record<string, unknown>)[key], order);
  return out;
}

/** Findings in a canonical order (by identity), for comparing runs whose emission order may differ. */
export function canonical(findings: readonly Finding[]): Finding[] {
  const key = (finding: Finding): string => JSON.stringify(finding.identity);
  return [...findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Counts Trivy records without the adapter: every element of a `Vulnerabilities`, `Misconfigurations`,
 * `Secrets` (and `Licenses`) array that belongs to an object with a string `Target` — a Trivy result, in any
 * layout (the k8s lists' resource entries have no Target).
 */
export function countRecords(document: unknown, licenses = false): number {
  const lists = ['Vulnerabilities', 'Misconfigurations', 'Secrets', ...(licenses ? ['Licenses'] : [])];
  let count = 0;
  forEachObject(document, (object) => {
    if (typeof object.Target === 'string') {
      for (const list of lists) if (Array.isArray(object[list])) count += (object[list] as unknown[]).length;
    }
  });
  return count;
}

/** Calls `visit` on every object of a parsed JSON document, parents before their children. */
export function forEachObject(value: unknown, visit: (object: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachObject(item, visit);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  visit(object);
  for (const child of Object.values(object)) forEachObject(child, visit);
}

/**
 * A Trivy image report with `count` vulnerabilities in one result, generated chunk by chunk; optionally with
 * `Metadata` after `Results`, or the result's Target/Class/Type after its `Vulnerabilities`.
 */
export async function* generatedReport(
  count: number,
  {
    metadataLast = false,
    resultHeaderLast = false,
    pulled,
  }: { metadataLast?: boolean; resultHeaderLast?: boolean; pulled?: { chunks: number } } = {},
): AsyncGenerator<Uint8Array> {
  const encode = (text: string): Uint8Array => Buffer.from(text, 'utf8');
  const header = '"SchemaVersion":2,"ArtifactName":"gen/app:1","ArtifactType":"container_image"';
  const metadata = '"Metadata":{"ImageID":"sha256:feed","RepoTags":["gen/app:1"]}';
  const resultHeader = '"Target":"gen/app:1 (debian 12.5)","Class":"os-pkgs","Type":"debian"';
  const tick = (): void => {
    if (pulled !== undefined) pulled.chunks++;
  };
  tick();
  yield encode(
    `{${metadataLast ? header : `${header},${metadata}`},"Results":[{${resultHeaderLast ? '' : `${resultHeader},`}"Vulnerabilities":[`,
  );
  for (let start = 0; start < count; start += 100) {
    const batch: string[] = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      batch.push(
        JSON.stringify({
          VulnerabilityID: `CVE-2026-${String(i).padStart(6, '0')}`,
          PkgName: `pkg-${i % 977}`,
          InstalledVersion: `1.${i % 13}.0`,
          FixedVersion: i % 3 === 0 ? undefined : `1.${i % 13}.1`,
          Severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNKNOWN'][i % 5],
          Title: `generated vulnerability ${i}`,
          Description: 'x'.repeat(300),
          CVSS: {
            nvd: { V3Score: (i % 100) / 10, V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          },
        }),
      );
    }
    tick();
    yield encode(`${start === 0 ? '' : ','}${batch.join(',')}`);
  }
  tick();
  yield encode(`]${resultHeaderLast ? `,${resultHeader}` : ''}}]${metadataLast ? `,${metadata}` : ''}}`);
}
