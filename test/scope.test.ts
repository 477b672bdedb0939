import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findRepository,
  REPOSITORY_ENV,
  repositoryFromEnv,
  repositoryFromGit,
  repositoryName,
  resolveScope,
} from '../src/scope.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asff-scope-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function gitRepo(config: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git', 'config'), config);
  return dir;
}

describe('repositoryName', () => {
  it.each([
    ['https://github.com/acme/shop', 'acme/shop'],
    ['https://github.com/acme/shop.git', 'acme/shop'],
    ['https://x-access-token:ghs_SECRET@github.com/acme/shop.git', 'acme/shop'],
    ['https://user:p%40ss@gitlab.example.com:8443/group/sub/project.git/', 'group/sub/project'],
    ['git@github.com:acme/shop.git', 'acme/shop'],
    ['ssh://git@bitbucket.org:22/team/repo.git', 'team/repo'],
    ['acme/shop', 'acme/shop'],
    ['user:token@acme/shop', 'acme/shop'],
    ['https://dev.azure.com/org/project/_git/repo?path=/x', 'org/project/_git/repo'],
    ['   ', undefined],
  ])('%s → %s', (url, name) => {
    expect(repositoryName(url)).toBe(name);
  });

  it('never keeps a credential', () => {
    for (const url of ['https://bob:hunter2@host/a/b', 'http://hunter2@host/a/b', 'bob:hunter2@host:a/b']) {
      expect(repositoryName(url)).not.toContain('hunter2');
    }
  });
});

describe('repository identity', () => {
  it.each([
    [{ GITHUB_REPOSITORY: 'acme/shop' }, 'acme/shop', 'GITHUB_REPOSITORY'],
    [{ CI_PROJECT_PATH: 'group/sub/shop' }, 'group/sub/shop', 'CI_PROJECT_PATH'],
    [{ BITBUCKET_REPO_FULL_NAME: 'team/shop' }, 'team/shop', 'BITBUCKET_REPO_FULL_NAME'],
    [{ BUILD_REPOSITORY_NAME: 'shop' }, 'shop', 'BUILD_REPOSITORY_NAME'],
    [
      { CIRCLE_PROJECT_USERNAME: 'acme', CIRCLE_PROJECT_REPONAME: 'shop' },
      'acme/shop',
      'CIRCLE_PROJECT_USERNAME/CIRCLE_PROJECT_REPONAME',
    ],
    [
      { GIT_URL: 'https://jenkins:tok@git.example.com/acme/shop.git', JOB_NAME: 'shop/main' },
      'acme/shop',
      'GIT_URL',
    ],
    [{ JOB_NAME: 'folder/shop' }, 'folder/shop', 'JOB_NAME'],
    [
      { [REPOSITORY_ENV]: 'https://github.com/acme/other', GITHUB_REPOSITORY: 'acme/shop' },
      'acme/other',
      REPOSITORY_ENV,
    ],
  ])('%o → %s', (env, name, source) => {
    expect(repositoryFromEnv(env)).toEqual({ name, source });
  });

  it('is off with ASFF_STREAM_REPOSITORY=none, and absent without CI variables', () => {
    expect(repositoryFromEnv({ [REPOSITORY_ENV]: 'none', GITHUB_REPOSITORY: 'acme/shop' })).toBeNull();
    expect(repositoryFromEnv({ HOME: '/home/me' })).toBeUndefined();
  });

  it('reads the origin remote from .git/config, credentials stripped, from a subdirectory too', () => {
    const dir = gitRepo(
      '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/fork.git\n' +
        '[remote "origin"]\n\turl = https://ci:glpat-SECRET@gitlab.com/acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    );
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    expect(repositoryFromGit(join(dir, 'src', 'deep'))).toEqual({ name: 'acme/shop', source: 'git remote' });
  });

  it('follows a worktree .git file and its commondir', () => {
    const main = gitRepo('[remote "origin"]\n\turl = git@github.com:acme/shop.git\n');
    const gitDir = join(main, '.git', 'worktrees', 'feature');
    mkdirSync(gitDir, { recursive: true });
    writeFileSync(join(gitDir, 'commondir'), '../..\n');
    const worktree = tempDir();
    writeFileSync(join(worktree, '.git'), `gitdir: ${gitDir}\n`);
    expect(repositoryFromGit(worktree)?.name).toBe('acme/shop');
  });

  it('is undefined outside a working tree and without a remote', () => {
    expect(repositoryFromGit(tempDir())).toBeUndefined();
    expect(repositoryFromGit(gitRepo('[core]\n\tbare = false\n'))).toBeUndefined();
  });

  it('prefers --repository, then the environment, then git', () => {
    const cwd = gitRepo('[remote "origin"]\n\turl = https://github.com/acme/from-git\n');
    const env = { GITHUB_REPOSITORY: 'acme/from-env' };
    expect(findRepository({ repository: 'https://github.com/acme/flag', env, cwd })?.name).toBe('acme/flag');
    expect(findRepository({ env, cwd })?.name).toBe('acme/from-env');
    expect(findRepository({ env: {}, cwd })).toEqual({ name: 'acme/from-git', source: 'git remote' });
    expect(findRepository({ env: { [REPOSITORY_ENV]: 'none' }, cwd })).toBeUndefined();
  });
});

describe('resolveScope', () => {
  const repository = { name: 'acme/shop', source: 'GITHUB_REPOSITORY' };

  it('takes --scope as it is', () => {
    expect(resolveScope({ explicit: ' payments ', hint: '.', adapter: 'trivy', repository })).toMatchObject({
      scope: 'payments',
      identified: true,
    });
  });

  it('puts a path hint under the repository: "." is the repository itself', () => {
    expect(resolveScope({ hint: '.', hintKind: 'path', adapter: 'trivy', repository })).toEqual({
      scope: 'acme/shop',
      source: 'path "." + repository acme/shop (GITHUB_REPOSITORY)',
      identified: true,
    });
    expect(resolveScope({ hint: './services/api/', adapter: 'trivy', repository }).scope).toBe(
      'acme/shop/services/api',
    );
    expect(resolveScope({ hint: 'services\\api', hintKind: 'path', adapter: 'x', repository }).scope).toBe(
      'acme/shop/services/api',
    );
  });

  it('qualifies a bare tool name with the repository', () => {
    expect(resolveScope({ hint: 'Semgrep', hintKind: 'tool', adapter: 'sarif', repository }).scope).toBe(
      'Semgrep@acme/shop',
    );
  });

  it('keeps a name hint and an absolute path as they are', () => {
    expect(resolveScope({ hint: 'registry/app:1.2', adapter: 'trivy', repository }).scope).toBe(
      'registry/app:1.2',
    );
    expect(resolveScope({ hint: '/srv/app', hintKind: 'path', adapter: 'trivy', repository }).scope).toBe(
      '/srv/app',
    );
  });

  it('uses the repository when there is no hint', () => {
    expect(resolveScope({ filename: 'x.csv', adapter: 'csv', repository })).toMatchObject({
      scope: 'acme/shop',
      identified: true,
    });
  });

  it('never uses "." without a repository, and marks the fallback unidentified', () => {
    expect(
      resolveScope({ hint: '.', hintKind: 'path', filename: 'trivy.json.gz', adapter: 'trivy' }),
    ).toEqual({
      scope: 'trivy.json',
      source: 'file name; no repository found',
      identified: false,
    });
    expect(resolveScope({ hint: '.', adapter: 'trivy' })).toMatchObject({
      scope: 'trivy',
      identified: false,
    });
    expect(resolveScope({ hint: 'Semgrep', hintKind: 'tool', adapter: 'sarif' })).toMatchObject({
      scope: 'Semgrep',
      identified: false,
    });
    expect(resolveScope({ hint: 'web/app', hintKind: 'path', adapter: 'trivy' })).toMatchObject({
      scope: 'web/app',
      identified: false,
    });
  });
});
