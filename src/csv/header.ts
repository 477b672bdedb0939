/** Normalises a column name for matching: trimmed, inner whitespace collapsed, lower-case, BOM removed. */
export function normalizeColumnName(name: string): string {
  return name
    .replace(/\uFEFF/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/**
 * The header row of a CSV: every column kept by position, duplicates and empty names included. Names are
 * matched case- and whitespace-insensitively; a duplicated name resolves to its first column, the others are
 * reachable by column number.
 */
export class CsvHeader {
  /** The column names as written, by position. */
  readonly names: readonly string[];
  /** 1-based line of the header row. */
  readonly line: number;
  /** Each name as written with its column, for the first column of each distinct name; unnamed columns left out. */
  readonly firstColumns: readonly (readonly [name: string, index: number])[];
  readonly #byName = new Map<string, number>();

  /**
   * @param names - the header row's cells
   * @param line - its 1-based line
   */
  constructor(names: readonly string[], line: number) {
    this.names = names;
    this.line = line;
    const firstColumns: [string, number][] = [];
    names.forEach((name, index) => {
      const key = normalizeColumnName(name);
      if (key === '' || this.#byName.has(key)) return;
      this.#byName.set(key, index);
      firstColumns.push([name, index]);
    });
    this.firstColumns = firstColumns;
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
