/**
 * CLI cold start: wall time of whole processes (`node -e 0`, `cli.js --help`, `cli.js convert <tiny file>`),
 * interleaved so drifting machine load hits every command alike, after one warm-up run each (page cache).
 */
import { spawnSync } from 'node:child_process';

/**
 * @typedef {object} StartCommand
 * @property {string} name
 * @property {string[]} args arguments to node
 */

/**
 * @typedef {object} StartResult
 * @property {string} name
 * @property {string} command
 * @property {'ok' | 'error'} status
 * @property {number} [medianMs]
 * @property {number[]} [samplesMs]
 * @property {string} [note]
 */

/**
 * @param {StartCommand[]} commands
 * @param {number} runs
 * @param {string} cwd
 * @returns {StartResult[]}
 */
export function measureStartup(commands, runs, cwd) {
  /** @type {Map<string, number[]>} */
  const samples = new Map(commands.map((c) => [c.name, []]));
  /** @type {Map<string, string>} */
  const failures = new Map();
  const once = (/** @type {StartCommand} */ command) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, command.args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const ms = performance.now() - started;
    if (result.status !== 0)
      failures.set(
        command.name,
        `exit ${result.status}: ${(result.stderr ?? '').trim().split('\n')[0] ?? ''}`,
      );
    return ms;
  };
  for (const command of commands) once(command);
  for (let i = 0; i < runs; i++) {
    for (const command of commands) samples.get(command.name)?.push(once(command));
  }
  return commands.map((command) => {
    const list = samples.get(command.name) ?? [];
    const failure = failures.get(command.name);
    const base = { name: command.name, command: `node ${command.args.join(' ')}` };
    if (failure !== undefined) return { ...base, status: 'error', note: failure };
    return { ...base, status: 'ok', medianMs: median(list), samplesMs: list.map((ms) => Math.round(ms)) };
  });
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? /** @type {number} */ (sorted[mid])
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
