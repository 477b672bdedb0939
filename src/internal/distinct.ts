/** Lists up to this long are de-duplicated by a linear scan, which beats building a Set for a handful of items. */
const LINEAR_SCAN_MAX = 32;

/** The distinct values, in first-seen order (SameValueZero, like `Set`); always a new array. */
export function distinct<T>(values: Iterable<T>): T[] {
  if (Array.isArray(values) && values.length <= LINEAR_SCAN_MAX) {
    const out: T[] = [];
    for (const value of values as T[]) if (!out.includes(value)) out.push(value);
    return out;
  }
  return [...new Set(values)];
}
