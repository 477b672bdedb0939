#!/usr/bin/env node
/**
 * The public API reports: one per package entry point (package.json "exports"), made by API Extractor
 * (@microsoft/api-extractor) from the built declarations (dist/**.d.ts) and kept in api/. `test/api-report.test.ts`
 * fails when the surface changes without its report changing too, so every change of the public API is seen in
 * review; it fails too on what API Extractor finds wrong with the API (see MESSAGES).
 *
 * `npm run api` (build, then this script) rewrites the reports; `--check` exits 1 when one differs.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = resolve(fileURLToPath(new URL('../', import.meta.url)));
export const API_FOLDER = resolve(ROOT, 'api');
const MAIN_ENTRY = 'asff-stream';
/** What `asff-stream/adapters/*` stands for: the built-in adapters. */
const BUILTIN_ADAPTERS = ['sarif', 'trivy', 'nessus', 'csv'];

/**
 * The package's entry points (package.json "exports"): name, declaration file and report file
 * (`asff-stream/toolkit` → api/asff-stream-toolkit.api.md).
 */
export function entryPoints() {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target.types === undefined) continue;
    const names = subpath.includes('*') ? BUILTIN_ADAPTERS : [undefined];
    for (const name of names) {
      const path = name === undefined ? subpath : subpath.replace('*', name);
      const entry = path === '.' ? MAIN_ENTRY : `${MAIN_ENTRY}/${path.slice(2)}`;
      entries.push({
        name: entry,
        file: resolve(ROOT, name === undefined ? target.types : target.types.replace('*', name)),
        report: `${entry.replaceAll('/', '-')}.api.md`,
      });
    }
  }
  return entries;
}

/**
 * What fails the check. Everything API Extractor reports is an error, except:
 * - `ae-missing-release-tag`: the package has no alpha/beta split; whatever an entry point exports is public and
 *   under semver, so a tag on every export would say nothing.
 * `ae-undocumented` is an error too: every exported declaration and member has a TSDoc comment (GUIDE).
 * Findings are reported by the check, never written into the report (`addToApiReportFile: false`).
 */
const MESSAGES = {
  compilerMessageReporting: { default: { logLevel: 'error' } },
  extractorMessageReporting: {
    default: { logLevel: 'error', addToApiReportFile: false },
    'ae-forgotten-export': { logLevel: 'error', addToApiReportFile: false },
    'ae-incompatible-release-tags': { logLevel: 'error', addToApiReportFile: false },
    'ae-internal-missing-underscore': { logLevel: 'error', addToApiReportFile: false },
    'ae-internal-mixed-release-tag': { logLevel: 'error', addToApiReportFile: false },
    'ae-unresolved-inheritdoc-reference': { logLevel: 'error', addToApiReportFile: false },
    'ae-unresolved-inheritdoc-base': { logLevel: 'error', addToApiReportFile: false },
    'ae-missing-release-tag': { logLevel: 'none' },
    'ae-undocumented': { logLevel: 'error', addToApiReportFile: false },
  },
  tsdocMessageReporting: { default: { logLevel: 'error' } },
};

function configOf(entry, reportFolder, tempFolder) {
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: entry.file,
      compiler: {
        // Only the declarations: the sources, tests and benches are not part of the API.
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true,
            types: ['node'],
          },
          files: [entry.file],
        },
      },
      apiReport: { enabled: true, reportFolder, reportTempFolder: tempFolder, reportFileName: entry.report },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: MESSAGES,
    },
    packageJsonFullPath: resolve(ROOT, 'package.json'),
  });
}

/** The names the main entry point exports, read from the program API Extractor built. */
function mainExports(state, entries) {
  const program = /** @type {import('typescript').Program} */ (state.program);
  const main = entries.find((e) => e.name === MAIN_ENTRY);
  const source = main === undefined ? undefined : program.getSourceFile(main.file);
  if (source === undefined) return new Set();
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(source);
  return new Set(module === undefined ? [] : checker.getExportsOfModule(module).map((s) => s.name));
}

/**
 * Runs API Extractor on every entry point (one TypeScript program for all of them) and returns, per entry point,
 * the report it made (`actual`), the committed one (`committed`, undefined when missing) and the findings
 * (`problems`, one line each). With `update`, the reports are written to api/ and stale ones removed.
 */
export function apiReports({ update = false } = {}) {
  const entries = entryPoints();
  for (const entry of entries)
    if (!existsSync(entry.file)) throw new Error(`no declarations at ${entry.file}: run \`npm run build\``);
  const temp = mkdtempSync(join(tmpdir(), 'asff-stream-api-'));
  const reportFolder = update ? API_FOLDER : join(temp, 'reports');
  mkdirSync(reportFolder, { recursive: true });
  try {
    const configs = entries.map((entry) => configOf(entry, reportFolder, temp));
    const state = CompilerState.create(configs[0], { additionalEntryPoints: entries.map((e) => e.file) });
    const fromMain = mainExports(state, entries);
    const results = entries.map((entry, i) => {
      const problems = [];
      Extractor.invoke(configs[i], {
        localBuild: true,
        compilerState: state,
        messageCallback: (message) => {
          message.handled = true;
          if (message.logLevel !== 'error' && message.logLevel !== 'warning') return;
          // "report created / copied": this script compares the reports itself.
          if (message.category === 'console' && message.logLevel === 'warning') return;
          // Each entry point is analysed on its own; a type of the main entry point used by another one is
          // nameable (import it from 'asff-stream'), so it is not forgotten.
          const forgotten = /^The symbol "([^"]+)" needs to be exported/.exec(message.text)?.[1];
          if (
            message.messageId === 'ae-forgotten-export' &&
            entry.name !== MAIN_ENTRY &&
            fromMain.has(forgotten)
          )
            return;
          const where =
            message.sourceFilePath === undefined
              ? ''
              : ` (${relative(ROOT, message.sourceFilePath)}:${message.sourceFileLine})`;
          problems.push(`${message.messageId}: ${message.text}${where}`);
        },
      });
      const committedPath = join(API_FOLDER, entry.report);
      let committed;
      try {
        committed = readFileSync(committedPath, 'utf8');
      } catch {
        committed = undefined;
      }
      return {
        entry: entry.name,
        report: `api/${entry.report}`,
        actual: readReport(reportFolder, entry),
        committed,
        problems,
      };
    });
    const stale = readdirSync(API_FOLDER).filter(
      (file) => file.endsWith('.api.md') && !entries.some((e) => e.report === file),
    );
    if (update) for (const file of stale) rmSync(join(API_FOLDER, file));
    return { results, stale: update ? [] : stale.map((file) => `api/${file}`) };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function readReport(folder, entry) {
  return readFileSync(join(folder, entry.report), 'utf8');
}

/** One line per problem: out-of-date or missing reports, stale reports, and API Extractor's findings. */
export function describeProblems({ results, stale }) {
  const lines = [];
  for (const r of results) {
    for (const problem of r.problems) lines.push(`${r.entry}: ${problem}`);
    if (r.committed === undefined)
      lines.push(`${r.entry}: ${r.report} is missing: run \`npm run api\` and commit it`);
    else if (r.committed !== r.actual)
      lines.push(
        `${r.entry}: the public API changed: run \`npm run api\` and review the diff of ${r.report}`,
      );
  }
  for (const file of stale) lines.push(`${file} names no entry point of package.json: run \`npm run api\``);
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const outcome = apiReports({ update: !check });
  // After an update the reports are current: only API Extractor's findings remain to be told.
  const problems = check
    ? describeProblems(outcome)
    : outcome.results.flatMap((r) => r.problems.map((problem) => `${r.entry}: ${problem}`));
  for (const line of problems) console.error(line);
  if (problems.length > 0) process.exit(1);
  if (!check) console.log(`api/: ${outcome.results.length} reports written`);
}
