import csv from '../adapters/csv/index.js';
import nessus from '../adapters/nessus/index.js';
import sarif from '../adapters/sarif/index.js';
import trivy from '../adapters/trivy/index.js';
import type { Adapter } from './adapter.js';
import { ConverterError } from './errors.js';

/** The built-in adapters by name. The only place in `src/` that imports from `adapters/`. */
export const builtinAdapters = {
  sarif,
  trivy,
  nessus,
  csv,
} as const satisfies Record<string, Adapter>;

/** Names of the built-in adapters. */
export type AdapterName = keyof typeof builtinAdapters;

/** Names of the built-in adapters, in detection-tie-break order. */
export const ADAPTER_NAMES = Object.keys(builtinAdapters) as AdapterName[];

/**
 * Looks an adapter up by name among `extra` (custom adapters, which win) and the built-ins.
 * Throws `E_CONFIG` listing the valid names when there is none.
 */
export function getAdapter(name: string, extra: readonly Adapter[] = []): Adapter {
  const custom = extra.find((adapter) => adapter.name === name);
  if (custom !== undefined) return custom;
  if (Object.hasOwn(builtinAdapters, name)) return builtinAdapters[name as AdapterName];
  const known = [...extra.map((a) => a.name), ...ADAPTER_NAMES].join(', ');
  throw new ConverterError('E_CONFIG', `unknown format "${name}"; known formats: ${known}`);
}
