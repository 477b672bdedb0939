import { join } from 'node:path';
import {
  ChunkedFile,
  decodeHeader,
  fileLines,
  looksLikeEntry,
  type StateHeader,
  type StateKey,
  sameKey,
} from './format.js';

/** One key's section of a state file, split off into a local file of its entry lines (no header). */
export interface StateSection {
  header: StateHeader;
  /** Local file of the section's entry lines. */
  path: string;
  /** Line number of the section's header in the state file (for messages). */
  line: number;
}

/** A state file split into its sections, or why it cannot be read at all. */
export type SplitState = { sections: StateSection[] } | { unreadable: string };

/**
 * Splits a local copy of a state file into one file of entry lines per section (`<prefix>-section-<n>.ndjson`
 * in `dir`, never the copy's own name), checking the structure only: a header first, every other line an entry or a header, each section
 * with the number of entries its header says, the file with the number of sections its headers say, no key
 * twice. Entries are decoded later, and only for the keys a run opens. Streamed: nothing of the file is held.
 */
export async function splitState(path: string, dir: string, prefix: string): Promise<SplitState> {
  const sections: StateSection[] = [];
  let out: ChunkedFile | undefined;
  let count = 0;
  let lineNumber = 0;
  const close = async (): Promise<string | undefined> => {
    await out?.close();
    out = undefined;
    const last = sections.at(-1);
    if (last !== undefined && count !== last.header.entries)
      return `the state holds ${count} entries${sections.length > 1 ? ` for ${describeKey(last.header.key)}` : ''}, its header says ${last.header.entries} (cut short?)`;
    return undefined;
  };
  try {
    for await (const line of fileLines(path)) {
      lineNumber += 1;
      if (lineNumber > 1 && looksLikeEntry(line)) {
        count += 1;
        await out?.write(`${line}\n`);
        continue;
      }
      const header = decodeHeader(line);
      if (header === undefined)
        return {
          unreadable:
            lineNumber === 1
              ? 'the state file does not start with a state header'
              : `line ${lineNumber} of the state is not an entry`,
        };
      const problem = await close();
      if (problem !== undefined) return { unreadable: problem };
      if (sections.some((s) => sameKey(s.header.key, header.key)))
        return { unreadable: `the state holds two sections for ${describeKey(header.key)}` };
      const sectionPath = join(dir, `${prefix}-section-${sections.length}.ndjson`);
      sections.push({ header, path: sectionPath, line: lineNumber });
      out = new ChunkedFile(sectionPath);
      count = 0;
    }
    const problem = await close();
    if (problem !== undefined) return { unreadable: problem };
  } finally {
    await out?.close().catch(() => {});
  }
  const first = sections[0];
  if (first === undefined) return { unreadable: 'the state file is empty' };
  const expected = first.header.sections ?? 1;
  if (sections.length !== expected)
    return {
      unreadable: `the state holds ${sections.length} key sections, its header says ${expected} (cut short?)`,
    };
  return { sections };
}

/** A key for messages: scope, source tool, product and account. */
export function describeKey(key: StateKey): string {
  const tool = key.sourceTool !== undefined ? `, source tool "${key.sourceTool}"` : '';
  return `scope "${key.scope}"${tool} of ${key.productArn} in account ${key.accountId}`;
}
