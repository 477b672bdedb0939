import { type LocationTables, PathCache } from './locations.js';
import { createTool, type ToolInfo } from './rules.js';
import type { TaxonomyInfo } from './taxonomy.js';
import { asArray, asObject, asText } from './values.js';

/** A repository the scanned files belong to (`versionControlProvenance` or the `repository` option). */
export interface RepositoryInfo {
  /** Normalised repository URL (`https://github.com/org/app`, no `.git`, no trailing slash). */
  uri: string;
  revisionId?: string;
  branch?: string;
  /** The `uriBaseId` whose files live in this repository (`mappedTo.uriBaseId`). */
  uriBaseId?: string;
}

/** Options of the SARIF adapter, read from `AdapterContext.options`. */
export interface SarifOptions {
  /** Repository URL used when the log has no `versionControlProvenance`. */
  repository?: string;
  /** Resource Id for results that have no location at all (Dockle …). */
  target?: string;
}

/** The container image a run scanned, from `run.properties` (Trivy: `imageName`, `imageID`, `repoTags`, `repoDigests`). */
export interface ImageInfo {
  name?: string;
  id?: string;
  tags: string[];
  digests: string[];
}

/** Everything about a run that its results refer to. */
export interface RunContext extends LocationTables {
  /** 0-based position of the run in the log (messages only, never identity). */
  index: number;
  tool: ToolInfo;
  taxonomies: TaxonomyInfo[];
  repositories: RepositoryInfo[];
  automationId?: string;
  /** The scanned container image, when the run names one. */
  image?: ImageInfo;
  options: SarifOptions;
}

/** Reads one key of `run.properties` that names the scanned image (others are never selected). */
export function setImageProperty(run: RunContext, key: string, value: unknown): void {
  run.image ??= { tags: [], digests: [] };
  const image = run.image;
  const texts = asArray(value)
    .map(asText)
    .filter((text): text is string => text !== undefined)
    .slice(0, 16);
  if (key === 'imageName') image.name = asText(value)?.trim();
  else if (key === 'imageID') image.id = asText(value)?.trim();
  else if (key === 'repoTags') image.tags = texts;
  else if (key === 'repoDigests') image.digests = texts;
}

/** An empty run context, filled as the stream delivers the run's sections. */
export function createRun(index: number, options: SarifOptions): RunContext {
  return {
    index,
    tool: createTool(),
    taxonomies: [],
    repositories: [],
    artifacts: [],
    originalUriBaseIds: {},
    logicalLocations: [],
    paths: new PathCache(),
    options,
  };
}

/** The tool name findings show: the driver's name, trimmed, else `unknown-tool`. */
export function toolNameOf(run: RunContext): string {
  return run.tool.driver.name ?? 'unknown-tool';
}

/** `git@host:org/app.git`, `https://host/org/app.git/` … → `https://host/org/app`. */
export function normalizeRepositoryUri(uri: string): string {
  const trimmed = uri.trim();
  const ssh = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+)$/.exec(trimmed);
  const url = ssh !== null ? `https://${ssh[1]}/${ssh[2]}` : trimmed;
  return url.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Reads `run.versionControlProvenance` into repositories. */
export function readRepositories(value: unknown): RepositoryInfo[] {
  const repositories: RepositoryInfo[] = [];
  for (const item of asArray(value)) {
    const object = asObject(item);
    const uri = asText(object?.repositoryUri);
    if (object === undefined || uri === undefined) continue;
    const repository: RepositoryInfo = { uri: normalizeRepositoryUri(uri) };
    const revision = asText(object.revisionId);
    if (revision !== undefined) repository.revisionId = revision;
    const branch = asText(object.branch);
    if (branch !== undefined) repository.branch = branch;
    const base = asText(asObject(object.mappedTo)?.uriBaseId);
    if (base !== undefined) repository.uriBaseId = base;
    repositories.push(repository);
  }
  return repositories;
}

/** Reads the adapter options, ignoring values of the wrong type. */
export function readOptions(options: Readonly<Record<string, unknown>>): SarifOptions {
  const read: SarifOptions = {};
  const repository = asText(options.repository);
  if (repository !== undefined) read.repository = normalizeRepositoryUri(repository);
  const target = asText(options.target);
  if (target !== undefined) read.target = target.trim();
  return read;
}

/** The repository a location belongs to: the one mapped to its `uriBaseId`, else the first, else the option. */
export function repositoryFor(run: RunContext, uriBaseId: string | undefined): RepositoryInfo | undefined {
  const mapped =
    uriBaseId === undefined ? undefined : run.repositories.find((repo) => repo.uriBaseId === uriBaseId);
  return (
    mapped ?? run.repositories[0] ?? (run.options.repository ? { uri: run.options.repository } : undefined)
  );
}

/** Security Hub `CodeRepository.ProviderType` from the repository host. */
export function providerType(uri: string): string {
  const host = /^[a-z]+:\/\/([^/]+)/i.exec(uri)?.[1]?.toLowerCase() ?? '';
  if (host === 'github.com' || host.endsWith('.github.com') || host.includes('github')) return 'GITHUB';
  if (host.includes('gitlab')) return 'GITLAB';
  if (host.includes('bitbucket')) return 'BITBUCKET';
  if (host === 'dev.azure.com' || host.endsWith('.visualstudio.com')) return 'AZURE_DEVOPS';
  return 'OTHER';
}

/** `org/app` from `https://github.com/org/app`. */
export function projectName(uri: string): string {
  return uri.replace(/^[a-z]+:\/\/[^/]+\/?/i, '') || uri;
}

/** A link to the line on GitHub / GitLab when the revision is known; `undefined` for other hosts. */
export function blobUrl(
  repository: RepositoryInfo,
  path: string,
  startLine?: number,
  endLine?: number,
): string | undefined {
  if (repository.revisionId === undefined || path.startsWith('/') || /^[a-z][a-z0-9+.-]+:/i.test(path))
    return undefined;
  const type = providerType(repository.uri);
  const range = startLine !== undefined && endLine !== undefined && endLine !== startLine;
  const file = path.split('/').map(encodeURIComponent).join('/');
  if (type === 'GITHUB')
    return `${repository.uri}/blob/${repository.revisionId}/${file}${startLine === undefined ? '' : `#L${startLine}${range ? `-L${endLine}` : ''}`}`;
  if (type === 'GITLAB')
    return `${repository.uri}/-/blob/${repository.revisionId}/${file}${startLine === undefined ? '' : `#L${startLine}${range ? `-${endLine}` : ''}`}`;
  return undefined;
}
