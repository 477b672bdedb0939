import { posix } from 'node:path';
import { asArray, asIndex, asObject, asPositive, asText, type JsonObject } from './values.js';

/** An entry of `run.artifacts`, reduced to its location. */
export interface ArtifactInfo {
  uri?: string;
  uriBaseId?: string;
}

/** An entry of `run.originalUriBaseIds`. */
export interface UriBase {
  uri?: string;
  uriBaseId?: string;
}

/** An entry of `run.logicalLocations`, reduced to its names. */
export interface LogicalInfo {
  fullyQualifiedName?: string;
  name?: string;
  kind?: string;
}

/** The run-level tables that locations refer to. */
export interface LocationTables {
  artifacts: (ArtifactInfo | undefined)[];
  originalUriBaseIds: Record<string, UriBase>;
  logicalLocations: (LogicalInfo | undefined)[];
  /** Memo of resolved paths; must be cleared when `originalUriBaseIds` changes. */
  paths?: PathCache;
}

/** A location made readable: a path, a region and a logical name. */
export interface ResolvedLocation {
  /** Repository-relative path (relative URIs resolved through relative bases), or an absolute path / URI. */
  path?: string;
  uriBaseId?: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  snippet?: string;
  /** Fully qualified logical location (function, class, namespace). */
  logical?: string;
  /** Set when an `index` pointed outside its run table. */
  problem?: string;
}

/** Reads an `artifact` object (as streamed) into its location. */
export function readArtifact(value: unknown): ArtifactInfo | undefined {
  const location = asObject(asObject(value)?.location ?? value);
  if (location === undefined) return undefined;
  const artifact: ArtifactInfo = {};
  const uri = asText(location.uri);
  if (uri !== undefined) artifact.uri = uri;
  const base = asText(location.uriBaseId);
  if (base !== undefined) artifact.uriBaseId = base;
  return artifact;
}

/** Reads `run.originalUriBaseIds`. */
export function readUriBases(value: unknown): Record<string, UriBase> {
  const bases: Record<string, UriBase> = {};
  const object = asObject(value);
  if (object === undefined) return bases;
  for (const [name, entry] of Object.entries(object)) {
    const base = readArtifact(entry);
    if (base !== undefined) bases[name] = base;
  }
  return bases;
}

/** Reads one entry of `run.logicalLocations`. */
export function readLogical(value: unknown): LogicalInfo | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  const logical: LogicalInfo = {};
  const fqn = asText(object.fullyQualifiedName) ?? asText(object.decoratedName);
  if (fqn !== undefined) logical.fullyQualifiedName = fqn;
  const name = asText(object.name);
  if (name !== undefined) logical.name = name;
  const kind = asText(object.kind);
  if (kind !== undefined) logical.kind = kind;
  return logical;
}

/** `scheme:` with at least two letters, so a Windows drive (`C:`) is not taken for a scheme. */
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `file:` URIs become paths (`file:///a/b` → `/a/b`, `file:///C:/x` → `C:/x`); other schemes stay URIs. */
function absolutePath(uri: string): string {
  if (!/^file:/i.test(uri)) return uri;
  let rest = uri.slice(5);
  let authority = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash === -1 ? '/' : rest.slice(slash);
  }
  let path = decode(rest).replace(/^\/+/, '/');
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  path = posix.normalize(path);
  return authority !== '' && authority.toLowerCase() !== 'localhost' ? `//${authority}${path}` : path;
}

/**
 * Resolves an artifact URI to the path findings show. Absolute URIs are used as they are (`file:` ones as paths).
 * A relative URI is prefixed with the URI of its `uriBaseId` from `originalUriBaseIds` while that base is itself
 * relative (chains are followed, loops stopped); an absolute base (`file:///home/runner/work/…`) is where the
 * checkout happened to be on the scanning machine, so the path stays relative to it.
 */
export function resolvePath(
  uri: string,
  uriBaseId: string | undefined,
  bases: Record<string, UriBase>,
): string {
  const cleaned = uri.includes('\\') ? uri.replace(/\\/g, '/') : uri;
  if (SCHEME.test(cleaned)) return absolutePath(cleaned);
  let path = cleaned;
  let current = uriBaseId;
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const base = bases[current];
    if (base === undefined) break;
    if (base.uri !== undefined) {
      const prefix = base.uri.replace(/\\/g, '/');
      if (SCHEME.test(prefix) || prefix.startsWith('/')) break;
      path = prefix.endsWith('/') ? `${prefix}${path}` : `${prefix}/${path}`;
    }
    current = base.uriBaseId;
  }
  const decoded = decode(path);
  // Most paths are already normal; path.normalize is the costly part of resolving one.
  if (!NEEDS_NORMALIZE.test(decoded)) return decoded;
  const normalized = posix.normalize(decoded);
  return normalized === '.' ? cleaned : normalized.replace(/^\.\//, '');
}

/** A `.` or `..` segment, an empty segment (`//`), or a trailing slash. */
const NEEDS_NORMALIZE = /(^|\/)\.\.?(\/|$)|\/\/|\/$/;

/** Paths resolved so far in one run, by `uriBaseId` and URI (files repeat across results). */
export class PathCache {
  private readonly paths = new Map<string, string>();

  /** {@link resolvePath}, memoised; the memory is bounded (cleared at 4,096 entries). */
  resolve(uri: string, uriBaseId: string | undefined, bases: Record<string, UriBase>): string {
    const key = uriBaseId === undefined ? uri : `${uriBaseId}\u0000${uri}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      if (this.paths.size >= 4096) this.paths.clear();
      path = resolvePath(uri, uriBaseId, bases);
      this.paths.set(key, path);
    }
    return path;
  }

  /** Forgets everything (the bases changed). */
  clear(): void {
    this.paths.clear();
  }
}

/** Resolves an `artifactLocation` (uri, or index into `run.artifacts`). */
export function resolveArtifactLocation(
  value: unknown,
  tables: LocationTables,
): Pick<ResolvedLocation, 'path' | 'uriBaseId' | 'problem'> {
  const artifactLocation = asObject(value);
  if (artifactLocation === undefined) return {};
  let uri = asText(artifactLocation.uri);
  let base = asText(artifactLocation.uriBaseId);
  const index = asIndex(artifactLocation.index);
  const resolved: Pick<ResolvedLocation, 'path' | 'uriBaseId' | 'problem'> = {};
  if (uri === undefined && index !== undefined) {
    const artifact = tables.artifacts[index];
    if (artifact === undefined) resolved.problem = `artifactLocation.index ${index} is not in run.artifacts`;
    uri = artifact?.uri;
    base ??= artifact?.uriBaseId;
  }
  if (base !== undefined) resolved.uriBaseId = base;
  if (uri !== undefined)
    resolved.path =
      tables.paths === undefined
        ? resolvePath(uri, base, tables.originalUriBaseIds)
        : tables.paths.resolve(uri, base, tables.originalUriBaseIds);
  return resolved;
}

function logicalName(value: unknown, tables: LocationTables): string | undefined {
  for (const item of asArray(value)) {
    const object = asObject(item);
    if (object === undefined) continue;
    const own = asText(object.fullyQualifiedName) ?? asText(object.name);
    if (own !== undefined) return own;
    const index = asIndex(object.index);
    const entry = index === undefined ? undefined : tables.logicalLocations[index];
    const fromTable = entry?.fullyQualifiedName ?? entry?.name;
    if (fromTable !== undefined) return fromTable;
  }
  return undefined;
}

/** Resolves one SARIF `location`: physical (artifact + region) and logical parts. */
export function resolveLocation(value: unknown, tables: LocationTables): ResolvedLocation {
  const location = asObject(value);
  if (location === undefined) return {};
  const physical = asObject(location.physicalLocation);
  const resolved: ResolvedLocation = physical
    ? resolveArtifactLocation(physical.artifactLocation ?? physical.address, tables)
    : {};
  const region = asObject(physical?.region);
  if (region !== undefined) {
    const startLine = asPositive(region.startLine);
    if (startLine !== undefined) {
      resolved.startLine = startLine;
      resolved.endLine = asPositive(region.endLine) ?? startLine;
    }
    const startColumn = asPositive(region.startColumn);
    if (startColumn !== undefined) resolved.startColumn = startColumn;
    const endColumn = asPositive(region.endColumn);
    if (endColumn !== undefined) resolved.endColumn = endColumn;
    const snippet = asText(asObject(region.snippet)?.text);
    if (snippet !== undefined) resolved.snippet = snippet;
  }
  const logical = logicalName(location.logicalLocations, tables);
  if (logical !== undefined) resolved.logical = logical;
  return resolved;
}

/** True when a location has something to show (a path or a logical name). */
export function hasPlace(location: ResolvedLocation): boolean {
  return location.path !== undefined || location.logical !== undefined;
}

/** What a result still needs from its run before it can be mapped. */
export interface LateNeeds {
  artifacts: boolean;
  logicalLocations: boolean;
  taxonomies: boolean;
}

function needsArtifact(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const artifactLocation = value as JsonObject;
  return typeof artifactLocation.uri !== 'string' && typeof artifactLocation.index === 'number';
}

/**
 * Which run tables a result refers to by index only (artifact without `uri`, logical location without a name,
 * taxon without an id). Such a result waits for the table if the stream has not delivered it yet.
 */
export function lateNeeds(result: JsonObject): LateNeeds {
  const needs: LateNeeds = {
    artifacts: needsArtifact(result.analysisTarget),
    logicalLocations: false,
    taxonomies: false,
  };
  const locations = result.locations;
  if (Array.isArray(locations))
    for (const location of locations) {
      if (typeof location !== 'object' || location === null) continue;
      const physical = (location as JsonObject).physicalLocation;
      if (
        typeof physical === 'object' &&
        physical !== null &&
        needsArtifact((physical as JsonObject).artifactLocation)
      )
        needs.artifacts = true;
      const logicals = (location as JsonObject).logicalLocations;
      if (Array.isArray(logicals))
        for (const logical of logicals) {
          const object = asObject(logical);
          if (
            object !== undefined &&
            asText(object.fullyQualifiedName) === undefined &&
            asText(object.name) === undefined &&
            asIndex(object.index) !== undefined
          )
            needs.logicalLocations = true;
        }
    }
  const taxa = result.taxa;
  if (Array.isArray(taxa))
    for (const taxon of taxa) {
      const object = asObject(taxon);
      if (object !== undefined && asText(object.id) === undefined && asIndex(object.index) !== undefined)
        needs.taxonomies = true;
    }
  return needs;
}
