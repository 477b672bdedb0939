import type { DetectSample } from '../../src/adapter.js';

/** Leading XML declaration, processing instructions, comments, DOCTYPE and whitespace. */
const PROLOG = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/;

/**
 * How sure we are that the sample is a `.nessus` export:
 * - 0.95 when the first element is `<NessusClientData_v2>`;
 * - 0.9 when `<NessusClientData_v2` appears later in the sample (e.g. after a very long comment);
 * - 0.6 for another `<NessusClientData…>` root (Nessus v1 or a wrong version), so that parsing can refuse it with
 *   a message naming the problem instead of "unknown format";
 * - 0.5 for a ZIP/XLSX archive named `.nessus`, for the same reason;
 * - 0.1 for any other file named `.nessus` (the extension is only a hint); 0 otherwise.
 */
export function detectNessus(sample: DetectSample): number {
  const head = sample.head.replace(/^\uFEFF/, '');
  const named = sample.filename !== undefined && /\.nessus$/i.test(sample.filename);
  const body = head.replace(PROLOG, '');
  if (/^<NessusClientData_v2[\s/>]/.test(body)) return 0.95;
  if (/<NessusClientData_v2[\s/>]/.test(head)) return 0.9;
  if (/^<NessusClientData/.test(body)) return 0.6;
  if (named && head.startsWith('PK\u0003\u0004')) return 0.5;
  return named ? 0.1 : 0;
}
