import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';

/**
 * What an adapter's scope hint is (`Finding.scopeHintKind`):
 * - `name`: names the scanned thing by itself (an image `registry/app:1.2`, `CodeQL@acme/shop`, a Nessus report);
 * - `path`: a path relative to where the scanner ran (`trivy fs .` reports `.`), or a file name;
 * - `tool`: the scanner's name only (a SARIF log that does not say which repository it is about).
 * A `path` or a `tool` identifies nothing on its own: the pipeline combines it with the repository identity.
 */
export type ScopeHintKind = 'name' | 'path' | 'tool';

/** The repository a run is about, and where that was read. */
export interface RepositoryIdentity {
  /** `owner/repo` (or `group/sub/project`): no scheme, host, credentials or `.git`. */
  name: string;
  /** Where it came from: `--repository`, an environment variable's name, or `git remote origin`. */
  source: string;
}

/** How the scope of a run (or of one source inside it) was chosen. */
export interface ResolvedScope {
  scope: string;
  /** In words, e.g. `path "." + repository acme/shop (GITHUB_REPOSITORY)`. */
  source: string;
  /**
   * False when the scope does not identify the source: a path, a bare tool name, a file name or the adapter name
   * with no repository to qualify it. Such scopes are shared by every repository that produces them: the
   * pipeline warns (issue `scope-unidentified`) and `import --archive-missing` refuses them without `--scope`.
   */
  identified: boolean;
}

/**
 * Most sources (scope + source tool pairs) one run may cover: a multi-run SARIF log has one per run. Past it,
 * findings share the first scope, and `--archive-missing` archives nothing.
 */
export const MAX_RUN_SOURCES = 16;

/** Environment variable that names the repository (a name or URL), or turns detection off with `none`. */
export const REPOSITORY_ENV = 'ASFF_STREAM_REPOSITORY';

/**
 * CI variables that name the repository, in the order they are tried. A value is a name (`owner/repo`) or a URL.
 * Jenkins: `GIT_URL` (git plugin) before `JOB_NAME` (which names the job, for multibranch jobs with the branch).
 */
const CI_REPOSITORY_VARIABLES: readonly (readonly string[])[] = [
  ['GITHUB_REPOSITORY'],
  ['CI_PROJECT_PATH'],
  ['BITBUCKET_REPO_FULL_NAME'],
  ['BUILD_REPOSITORY_NAME'],
  ['CIRCLE_PROJECT_USERNAME', 'CIRCLE_PROJECT_REPONAME'],
  ['TRAVIS_REPO_SLUG'],
  ['DRONE_REPO'],
  ['BUILDKITE_REPO'],
  ['GIT_URL'],
  ['JOB_NAME'],
];

/**
 * `owner/repo` from a repository URL or name: scheme, host, port and credentials removed (`https://user:token@…`,
 * `git@github.com:owner/repo.git`, `ssh://git@host:22/owner/repo`), `.git` and slashes at the ends dropped.
 * `undefined` when nothing is left.
 */
export function repositoryName(value: string): string | undefined {
  let rest = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  else {
    // Credentials or a user before the first slash (`user:token@…`, `git@…`) are never kept.
    rest = rest.replace(/^[^/]*@/, '');
    // scp-like `host:path` (a colon before any slash, and not a Windows drive letter).
    const scp = /^[^:/\s]{2,}:(?!\/\/)/.exec(rest);
    if (scp !== null) rest = rest.slice(scp[0].length);
  }
  const name = rest
    .replace(/\\/g, '/')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  return name === '' ? undefined : name;
}

/** The repository named by the CI environment (or {@link REPOSITORY_ENV}); `null` when detection is off. */
export function repositoryFromEnv(env: NodeJS.ProcessEnv): RepositoryIdentity | undefined | null {
  const own = env[REPOSITORY_ENV]?.trim();
  if (own === 'none') return null;
  if (own !== undefined && own !== '') {
    const name = repositoryName(own);
    if (name !== undefined) return { name, source: REPOSITORY_ENV };
  }
  for (const names of CI_REPOSITORY_VARIABLES) {
    const values = names.map((name) => env[name]?.trim() ?? '');
    if (values.some((value) => value === '')) continue;
    const name = repositoryName(values.join('/'));
    if (name !== undefined) return { name, source: names.join('/') };
  }
  return undefined;
}

/**
 * The repository of the git working tree that holds `cwd`: the URL of remote `origin` (else the first remote) in
 * its config, credentials removed. Reads `.git/config` (following a worktree's or submodule's `gitdir:` file and
 * `commondir`); runs no git. `undefined` outside a working tree or without a remote.
 */
export function repositoryFromGit(cwd: string): RepositoryIdentity | undefined {
  const config = gitConfigPath(resolve(cwd));
  if (config === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch {
    return undefined;
  }
  const urls = remoteUrls(text);
  const url = urls.get('origin') ?? urls.values().next().value;
  const name = url === undefined ? undefined : repositoryName(url);
  return name === undefined ? undefined : { name, source: 'git remote' };
}

function gitConfigPath(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) return configOfGitDir(dotGit, dir);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function configOfGitDir(dotGit: string, workTree: string): string | undefined {
  let gitDir = dotGit;
  try {
    if (statSync(dotGit).isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (pointer === undefined) return undefined;
      gitDir = resolve(workTree, pointer);
    }
    const commonDir = join(gitDir, 'commondir');
    if (existsSync(commonDir)) gitDir = resolve(gitDir, readFileSync(commonDir, 'utf8').trim());
  } catch {
    return undefined;
  }
  return join(gitDir, 'config');
}

/** `remote name → url` from a git config file. */
function remoteUrls(config: string): Map<string, string> {
  const urls = new Map<string, string>();
  let remote: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section !== null) {
      remote = section[1]?.toLowerCase() === 'remote' ? section[2] : undefined;
      continue;
    }
    if (remote === undefined || urls.has(remote)) continue;
    const url = /^url\s*=\s*(.*)$/i.exec(line)?.[1]?.trim();
    if (url !== undefined && url !== '') urls.set(remote, url.replace(/^"(.*)"$/, '$1'));
  }
  return urls;
}

/** Where to look for the repository identity. */
export interface RepositoryLookup {
  /** `--repository URL` (the SARIF option), which wins over everything else. */
  repository?: string;
  /** @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
  /** The working directory whose git remote is read. @defaultValue `process.cwd()` */
  cwd?: string;
}

/**
 * The repository a run is about: `--repository`, else {@link REPOSITORY_ENV}, else the CI environment
 * (`GITHUB_REPOSITORY`, `CI_PROJECT_PATH`, `BITBUCKET_REPO_FULL_NAME`, `BUILD_REPOSITORY_NAME`, CircleCI,
 * Travis, Drone, Buildkite, Jenkins `GIT_URL` / `JOB_NAME`), else the git remote of the working directory.
 */
export function findRepository(lookup: RepositoryLookup = {}): RepositoryIdentity | undefined {
  if (lookup.repository !== undefined) {
    const name = repositoryName(lookup.repository);
    if (name !== undefined) return { name, source: '--repository' };
  }
  const fromEnv = repositoryFromEnv(lookup.env ?? process.env);
  if (fromEnv === null) return undefined;
  return fromEnv ?? repositoryFromGit(lookup.cwd ?? process.cwd());
}

/** What {@link resolveScope} chooses from. */
export interface ScopeInput {
  /** `--scope`. */
  explicit?: string | undefined;
  /** The adapter's hint for this finding (`Finding.scopeHint`). */
  hint?: string | undefined;
  /** What the hint is ({@link hintKindOf}). */
  hintKind?: ScopeHintKind | undefined;
  /** The input's file name (a last resort, like a path hint). */
  filename?: string | undefined;
  /** The adapter's name (the very last resort, like a tool hint). */
  adapter: string;
  /** The repository identity ({@link findRepository}), when there is one. */
  repository?: RepositoryIdentity | undefined;
}

const DOT_PATH = /^\.{1,2}([\\/]|$)/;
/** An absolute path names a directory by itself (on its machine): it is kept as it is. */
const ABSOLUTE_PATH = /^([\\/]|[A-Za-z]:[\\/])/;

/**
 * The kind of a hint: `.`, `..` and what starts with `./` or `../` are always paths (so `.` is never a scope),
 * absolute paths always names; otherwise what the adapter said, by default a name.
 */
export function hintKindOf(hint: string, kind: ScopeHintKind | undefined): ScopeHintKind {
  if (DOT_PATH.test(hint)) return 'path';
  if (ABSOLUTE_PATH.test(hint)) return 'name';
  return kind ?? 'name';
}

/**
 * The scope of a run, or of one source in it (docs/lifecycle.md, "Scope"):
 * 1. `--scope`;
 * 2. a `name` hint as it is;
 * 3. a `path` hint under the repository (`.` → `acme/shop`, `services/api` → `acme/shop/services/api`), a `tool`
 *    hint qualified by it (`Semgrep@acme/shop`), no hint → the repository;
 * 4. without a repository: the path (never `.`), the tool, the file name or the adapter name, marked unidentified.
 */
export function resolveScope(input: ScopeInput): ResolvedScope {
  const explicit = input.explicit?.trim();
  if (explicit !== undefined && explicit !== '')
    return { scope: explicit, source: '--scope', identified: true };
  const repo = input.repository;
  const withRepo = repo === undefined ? '' : ` + repository ${repo.name} (${repo.source})`;
  const none = '; no repository found';
  const hint = input.hint?.trim();
  if (hint !== undefined && hint !== '') {
    const kind = hintKindOf(hint, input.hintKind);
    if (kind === 'name') return { scope: hint, source: 'the input', identified: true };
    if (kind === 'tool') {
      return repo !== undefined
        ? { scope: `${hint}@${repo.name}`, source: `tool "${hint}"${withRepo}`, identified: true }
        : { scope: hint, source: `tool "${hint}"${none}`, identified: false };
    }
    const path = relativePath(hint);
    if (repo !== undefined)
      return {
        scope: path === '' ? repo.name : `${repo.name}/${path}`,
        source: `path "${hint}"${withRepo}`,
        identified: true,
      };
    if (path !== '') return { scope: path, source: `path "${hint}"${none}`, identified: false };
  }
  if (repo !== undefined)
    return { scope: repo.name, source: `repository (${repo.source})`, identified: true };
  const file = input.filename === undefined ? '' : relativePath(fileName(input.filename));
  if (file !== '') return { scope: file, source: `file name${none}`, identified: false };
  return { scope: input.adapter, source: `adapter name${none}`, identified: false };
}

/** A path as a scope suffix: forward slashes, no `./`, no trailing slash; `''` for the current directory. */
function relativePath(path: string): string {
  const normalized = posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized.replace(/^\.\//, '');
}

function fileName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.gz$/i, '');
}
