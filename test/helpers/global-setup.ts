import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** CLI and packaging tests spawn the built binary: rebuild `dist/` when any source is newer than it. */
export default function setup(): void {
  // Default scopes take the repository from the CI environment or the git remote (src/scope.ts): tests must not
  // depend on where they run. Tests of that lookup pass their own env and cwd.
  process.env.ASFF_STREAM_REPOSITORY = 'none';
  const cli = join(ROOT, 'dist/src/cli.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'adapters')));
  if (existsSync(cli) && statSync(cli).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
