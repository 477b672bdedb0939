/** Normalises a column name for matching: trimmed, inner whitespace collapsed, lower-case, BOM removed. */
export function normalizeColumnName(name: string): string {
  return name
    .replace(/\uFEFF/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Rows searched for the header (report preambles come before it, e.g. Qualys VMDR). */
export const HEADER_SEARCH_ROWS = 32;

/**
 * The header row of a CSV: every column kept by position, duplicates and empty names included. Names are
 * matched case- and whitespace-insensitively; a duplicated name resolves to its first column, the others are
 * reachable by column number.
 */
export class CsvHeader {
  readonly names: readonly string[];
  readonly line: number;
  readonly #byName = new Map<string, number>();

  constructor(names: readonly string[], line: number) {
    this.names = names;
    this.line = line;
    names.forEach((name, index) => {
      const key = normalizeColumnName(name);
      if (key !== '' && !this.#byName.has(key)) this.#byName.set(key, index);
    });
  }

  /** Number of columns. */
  get width(): number {
    return this.names.length;
  }

  /** 0-based index of the first column with this name, or -1. */
  indexOf(name: string): number {
    return this.#byName.get(normalizeColumnName(name)) ?? -1;
  }

  /** The header for messages: the first `max` names, quoted. */
  describe(max = 12): string {
    const shown = this.names.slice(0, max).map((name) => JSON.stringify(name));
    return this.names.length > max
      ? `${shown.join(', ')}, … (${this.names.length} columns)`
      : shown.join(', ');
  }
}
