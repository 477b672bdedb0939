import { basename } from 'node:path';
import type { Adapter, AdapterContext, Finding, Issue } from '../../src/adapter.js';
import { defineAdapter } from '../../src/adapter.js';
import { MAX_PRODUCT_FIELD_VALUE_LENGTH, MAX_VULNERABILITIES } from '../../src/asff/limits.js';
import type { CsvHeader } from '../../src/csv/header.js';
import { type CsvRow, csvRows, HEADER_SEARCH_ROWS, MAX_RECORD_BYTES } from '../../src/csv/rows.js';
import { ConverterError, isConverterError } from '../../src/errors.js';
import { bindRefine, type CompiledMap, compileMap } from './compile.js';
import { detectCsv } from './detect.js';
import { loadCsvMap } from './load-map.js';
import { CVE_TYPE, composeDescription, mapRow } from './map.js';
import { matchProfile, PROFILES } from './profiles/index.js';
import type { CsvMap } from './spec.js';

const NAME = 'csv';

/** Distinct vulnerabilities kept while merging the repeated rows of one finding (toAsff keeps the first 20). */
const MAX_MERGED_VULNERABILITIES = 1000;
/** Evidence pieces kept while merging repeated rows (the description keeps what fits its 1,024 characters). */
const MAX_MERGED_EVIDENCE = 32;

/**
 * Scanner CSV exports: a built-in profile is picked from the header (Nessus, Tenable, OpenVAS, Qualys and
 * others), or the `csvMap` option says which column is which for any other CSV.
 */
export default defineAdapter<Adapter>({
  name: NAME,
  meta: {
    description: `CSV exports of vulnerability scanners (${PROFILES.map((p) => p.id).join(', ')}), or any CSV with --csv-map`,
    extensions: ['csv', 'tsv'],
    options: [
      {
        name: 'csvMap',
        flag: 'csv-map',
        type: 'string',
        valueName: 'FILE',
        description: 'JSON column mapping for CSV files no built-in profile knows (docs/csv.md)',
      },
    ],
    identity:
      "the profile's identity columns (Nessus-like: host, protocol, port, plugin id); see docs/csv.md",
    // The splitter/decoder is done with a chunk (the unfinished part copied) before it asks for the next.
    releasesChunks: true,
  },
  detect: detectCsv,
  parse: parseCsv,
  mergeRepeat,
});

/** A finding waiting for the next row: Nessus repeats a result once per CVE on adjacent rows. */
interface Pending {
  finding: Finding;
  fields: readonly string[];
  line: number;
  /** Vulnerability ids beyond {@link MAX_MERGED_VULNERABILITIES} were dropped. */
  capped: boolean;
  /** The evidence of every merged row (a check failing for several causes), and the description after it. */
  evidence: string[];
  /** A merged row brought evidence the description does not show yet. */
  evidenceGrew: boolean;
  details: string;
}

async function* parseCsv(input: AsyncIterable<Uint8Array>, ctx: AdapterContext): AsyncGenerator<Finding> {
  const userMap = await loadCsvMap(ctx.options.csvMap);
  const maxRecordBytes = positiveNumber(ctx.options.csvMaxRecordBytes) ?? MAX_RECORD_BYTES;
  const fileHint = ctx.filename !== undefined ? basename(ctx.filename).replace(/\.gz$/i, '') : undefined;
  const issue = (record: CsvRow, code: string, message: string, skipped = false): void => {
    ctx.onIssue({
      code,
      message,
      line: record.line,
      recordIndex: record.index,
      ...(skipped ? { skipped } : {}),
    });
  };

  let map: CompiledMap | undefined;
  let scopeHint = '';
  /** Why the user's map did not fit the first row it was tried on. */
  let mapError: ConverterError | undefined;
  const rows = csvRows(input, {
    adapter: NAME,
    maxRecordBytes,
    onIssue: (rowIssue) => ctx.onIssue(rowIssue),
    header: (candidate) => {
      const found = headerMap(candidate, userMap);
      if (found === undefined || isConverterError(found)) {
        mapError ??= found;
        return false;
      }
      map = found;
      scopeHint = fileHint ?? found.name;
      return true;
    },
    headerSearchRows: HEADER_SEARCH_ROWS,
    headerNotFound: (first, searched) => noHeaderError(first, searched, userMap, mapError),
  });
  let pending: Pending | undefined;
  try {
    for await (const record of rows) {
      if (ctx.signal?.aborted === true)
        throw new ConverterError('E_ABORTED', 'interrupted', { adapter: NAME });
      const { header } = record;
      // csvRows yields rows only once a header passed the test above, which set the map.
      const rowMap = map!;
      const result = mapRow(rowMap, record.fields, scopeHint);
      if (!result.ok) {
        issue(record, result.code, result.message, true);
        continue;
      }
      for (const rowIssue of result.issues)
        ctx.onIssue({ ...rowIssue, line: record.line, recordIndex: record.index });
      // The file name is a path (put under the repository); without one, the profile name is the tool's.
      result.finding.scopeHintKind = fileHint !== undefined ? 'path' : 'tool';
      // Several scanners' CSV exports come through this adapter: the profile tells them apart when archiving.
      result.finding.sourceTool = rowMap.name;
      if (pending !== undefined && sameIdentity(pending.finding, result.finding)) {
        mergeInto(pending, result.finding, record, rowMap, header, ctx);
        if (
          result.evidence !== '' &&
          pending.evidence.length < MAX_MERGED_EVIDENCE &&
          !pending.evidence.includes(result.evidence)
        ) {
          pending.evidence.push(result.evidence);
          pending.evidenceGrew = true;
        }
        continue;
      }
      if (pending !== undefined) yield finish(pending);
      pending = {
        finding: result.finding,
        fields: record.fields,
        line: record.line,
        capped: false,
        evidence: result.evidence === '' ? [] : [result.evidence],
        evidenceGrew: false,
        details: result.details,
      };
    }
  } catch (error) {
    // The finding before a fatal error is complete: emit it, then fail.
    if (pending !== undefined) yield finish(pending);
    pending = undefined;
    throw error;
  }
  if (pending !== undefined) yield finish(pending);
}

/**
 * The map for a candidate header row: with a user map, the map compiled against it (strictly; a mismatch is
 * returned as the error); otherwise the profile that matches it, if any.
 */
function headerMap(
  candidate: CsvHeader,
  userMap: CsvMap | undefined,
): CompiledMap | ConverterError | undefined {
  if (userMap !== undefined) {
    try {
      return compileMap(userMap, candidate, true);
    } catch (error) {
      if (!isConverterError(error)) throw error;
      return error;
    }
  }
  const profile = matchProfile(candidate);
  if (profile === undefined) return undefined;
  const map = compileMap(profile.map, candidate, false, profile.id);
  return profile.refine === undefined ? map : { ...map, refine: bindRefine(profile.refine, candidate) };
}

function noHeaderError(
  first: CsvHeader,
  searched: number,
  userMap: CsvMap | undefined,
  mapError: ConverterError | undefined,
): ConverterError {
  if (userMap !== undefined && mapError !== undefined) return mapError;
  return new ConverterError(
    'E_FORMAT',
    `unknown CSV header ${first.describe(8)} (searched ${searched} row(s)); ` +
      `known profiles: ${PROFILES.map((p) => p.id).join(', ')}; for any other CSV pass --csv-map map.json naming the ` +
      'title and identity columns (see docs/csv.md)',
    { adapter: NAME, line: first.line },
  );
}

function sameIdentity(a: Finding, b: Finding): boolean {
  return a.identity.length === b.identity.length && a.identity.every((value, i) => value === b.identity[i]);
}

/**
 * Folds a repeated row into the pending finding: its vulnerabilities are added (Nessus writes one row per CVE)
 * and its differing ProductFields values appended (Nessus service detection reports one port twice with two
 * outputs). Other fields cannot hold two values; when the rows differ there, a `merged-row` issue says so.
 */
function mergeInto(
  pending: Pending,
  next: Finding,
  record: CsvRow,
  map: CompiledMap,
  header: CsvHeader,
  ctx: AdapterContext,
): void {
  if (mergeValues(pending.finding, next)) pending.capped = true;
  const differing: string[] = [];
  for (let i = 0; i < record.fields.length; i++) {
    if (map.cveColumns.has(i) || record.fields[i] === pending.fields[i]) continue;
    differing.push(JSON.stringify(header.names[i] ?? `column ${i + 1}`));
  }
  if (differing.length > 0) {
    const issue: Issue = {
      code: 'merged-row',
      message:
        `row repeats the identity of line ${pending.line} with other values in ${differing.slice(0, 3).join(', ')}` +
        `${differing.length > 3 ? ` and ${differing.length - 3} more column(s)` : ''}; merged into one finding ` +
        `(differing ProductFields values are appended, other fields keep line ${pending.line}'s values)`,
      line: record.line,
      recordIndex: record.index,
    };
    ctx.onIssue(issue);
  }
}

/**
 * Adds `next`'s vulnerabilities and differing ProductFields values to `into` (see {@link mergeInto}); true when
 * vulnerability ids beyond {@link MAX_MERGED_VULNERABILITIES} were dropped.
 */
function mergeValues(into: Finding, next: Finding): boolean {
  let capped = false;
  const list = into.vulnerabilities ?? [];
  const known = new Set(list.map((v) => v.Id));
  for (const vulnerability of next.vulnerabilities ?? []) {
    if (known.has(vulnerability.Id)) continue;
    if (known.size >= MAX_MERGED_VULNERABILITIES) {
      capped = true;
      break;
    }
    known.add(vulnerability.Id);
    list.push(vulnerability);
  }
  if (list.length > 0) into.vulnerabilities = list;
  const fields = into.productFields ?? {};
  const added = next.productFields ?? {};
  for (const key in added) {
    const value = added[key];
    const current = fields[key];
    if (value === undefined || current === value) continue;
    const text = String(value);
    if (current === undefined) fields[key] = text;
    else if (
      !String(current).split('\n---\n').includes(text) &&
      String(current).length < MAX_PRODUCT_FIELD_VALUE_LENGTH
    )
      fields[key] = `${current}\n---\n${text}`;
  }
  into.productFields = fields;
  return capped;
}

/**
 * The pipeline's hook for rows of one identity that are not adjacent (an export sorted by plugin, not by host):
 * the same merge as for adjacent rows, on two finished findings.
 */
function mergeRepeat(earlier: Finding, repeat: Finding): Finding {
  const capped =
    mergeValues(earlier, repeat) || String(earlier.productFields?.vulnerabilityIds ?? '').endsWith(', …');
  return finish({ finding: earlier, capped });
}

/** Final touches once no more rows will merge: CVE type, and every id when there are more than ASFF keeps. */
function finish(
  pending: Pick<Pending, 'finding' | 'capped'> &
    Partial<Pick<Pending, 'evidence' | 'evidenceGrew' | 'details'>>,
): Finding {
  const finding = pending.finding;
  if (pending.evidenceGrew === true && pending.evidence !== undefined && pending.details !== undefined)
    finding.description = composeDescription(pending.evidence, pending.details);
  const vulnerabilities = finding.vulnerabilities ?? [];
  if (vulnerabilities.length > 0) finding.types = [CVE_TYPE];
  if (vulnerabilities.length > MAX_VULNERABILITIES || pending.capped) {
    finding.productFields = {
      ...finding.productFields,
      vulnerabilityIds: vulnerabilities.map((v) => v.Id).join(', ') + (pending.capped ? ', …' : ''),
    };
  }
  return finding;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
