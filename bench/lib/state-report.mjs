/**
 * The "Incremental re-import with a state file" section of bench/RESULTS.md, from the JSON line of
 * bench/state-incremental.mjs. `npm run bench -- --only state` replaces just this section (between the
 * markers) in an existing RESULTS.md; a full run renders it with the rest.
 */

export const STATE_BEGIN = '<!-- state-bench:begin -->';
export const STATE_END = '<!-- state-bench:end -->';

/** @param {number | undefined} n */
const num = (n) => (n === undefined || n === null ? '–' : n.toLocaleString('en-US'));
/** @param {number | undefined} f */
const pct = (f) => (f === undefined ? '–' : `${(f * 100).toFixed(2)} %`);

/**
 * Target verdicts of the state rows.
 * @param {Record<string, any> | undefined} r
 * @returns {{ target: string; measured: string; verdict: 'PASS' | 'FAIL' | 'n/a' }[]}
 */
export function stateVerdicts(r) {
  if (r === undefined || r.status !== 'ok') return [];
  const [, second, changed] = r.rows;
  const secondOk = second.code === 0 && second.unchanged === r.findings;
  const multi = r.rows.find((row) => row.name.startsWith('multi-run SARIF, 3 keys: second import'));
  const multiRun =
    multi === undefined
      ? []
      : [
          {
            target:
              'second import of an unchanged multi-run SARIF log (3 keys) with --state: no request for any key',
            measured: `${multi.totalRequests} requests, ${num(multi.unchanged)} of ${num(multi.received)} unchanged`,
            verdict:
              multi.code === 0 && multi.totalRequests === 0 && multi.unchanged === multi.received
                ? 'PASS'
                : 'FAIL',
          },
        ];
  return [
    {
      target: `second import of an unchanged ${num(r.findings)}-finding scan with --archive-missing --state ≤ 10 s`,
      measured: `${second.seconds} s`,
      verdict: secondOk && second.seconds <= 10 ? 'PASS' : 'FAIL',
    },
    {
      target: '… and ≤ 2 % of the first run’s requests',
      measured: `${second.totalRequests} of ${r.rows[0].totalRequests} (${pct(r.secondRunRequestsFraction)})`,
      verdict: secondOk && r.secondRunRequestsFraction <= 0.02 ? 'PASS' : 'FAIL',
    },
    {
      target: '1 % of the findings changed or gone costs requests in proportion (≤ 5 % of the first run’s)',
      measured: `${changed.totalRequests} requests (${pct(r.changedRunRequestsFraction)}), ${changed.imported} sent, ${changed.archived} archived`,
      verdict: changed.code === 0 && r.changedRunRequestsFraction <= 0.05 ? 'PASS' : 'FAIL',
    },
    ...multiRun,
  ];
}

/**
 * @param {Record<string, any> | undefined} r
 * @returns {string[]}
 */
export function renderStateSection(r) {
  const lines = [STATE_BEGIN, '## Incremental re-import with a state file', ''];
  if (r === undefined || r.status !== 'ok') {
    lines.push(`Not measured: ${r?.note ?? 'not run'}.`, '', STATE_END);
    return lines;
  }
  lines.push(
    `\`bench/state-incremental.mjs\`: the real CLI (\`import … --archive-missing\`) against the emulator with Security Hub's quotas (BatchImportFindings 10/s burst 30, GetFindings 3/s burst 6), on a generated Trivy report of ${num(r.findings)} findings. Requests are Security Hub requests from the emulator's log (the STS call that finds the account left out); seconds are the CLI process's wall time, start-up included.`,
    '',
  );
  if (r.loadAverage !== undefined)
    lines.push(
      `Load average at the end (1/5/15 min): ${r.loadAverage.map((x) => x.toFixed(2)).join(' / ')} on 2 cores shared with other jobs: wall times are inflated, CPU times much less.`,
      '',
    );
  lines.push(
    '| run | wall s | CPU s | peak RSS MB | GetFindings | BatchImportFindings | received | imported | unchanged | archived | state |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const row of r.rows) {
    const state =
      row.state === undefined
        ? '–'
        : row.state.used
          ? `used, ${num(row.state.entries)} saved`
          : `${row.state.fallback}, ${num(row.state.entries)} saved`;
    lines.push(
      `| ${row.name}${row.attempts ? ` (fastest of ${row.attempts.join(' / ')} s)` : ''} | ${row.seconds} | ${row.cpuSeconds ?? '–'} | ${num(row.peakRssMb)} | ${num(row.requests.GetFindings ?? 0)} | ${num(row.requests.BatchImportFindings ?? 0)} | ${num(row.received)} | ${num(row.imported)} | ${num(row.unchanged)} | ${num(row.archived)} | ${state} |`,
    );
  }
  lines.push('', '| target | measured | verdict |', '|---|---|---|');
  for (const v of stateVerdicts(r))
    lines.push(`| ${v.target} | ${v.measured} | ${v.verdict === 'PASS' ? '✅ PASS' : '❌ FAIL'} |`);
  if (r.memory !== undefined)
    lines.push(
      '',
      `State memory (\`bench/state-memory.mjs\`, a fresh process loading the ${num(r.memory.entries)}-entry state): table ${r.memory.tableBytesPerEntry} bytes per entry, heap + external growth measured after GC ${r.memory.measuredBytesPerEntry} bytes per entry.`,
    );
  if (r.multiRunMemory !== undefined)
    lines.push(
      '',
      `Multi-run state (${r.multiRunMemory.keys} keys, ${num(r.multiRunMemory.entries)} entries, every key loaded): table ${r.multiRunMemory.tableBytesPerEntry} bytes per entry, measured ${r.multiRunMemory.measuredBytesPerEntry} (at this size the run's fixed costs weigh on each entry; the 64-byte bound is for 100,000 entries, docs/lifecycle.md).`,
    );
  lines.push('', STATE_END);
  return lines;
}

/**
 * RESULTS.md with its state section replaced (or appended).
 * @param {string} markdown
 * @param {string[]} section
 */
export function spliceStateSection(markdown, section) {
  const begin = markdown.indexOf(STATE_BEGIN);
  const end = markdown.indexOf(STATE_END);
  const text = section.join('\n');
  if (begin >= 0 && end > begin)
    return `${markdown.slice(0, begin)}${text}${markdown.slice(end + STATE_END.length)}`;
  return `${markdown.trimEnd()}\n\n${text}\n`;
}
