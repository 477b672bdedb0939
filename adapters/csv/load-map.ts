import { readFile, stat } from 'node:fs/promises';
import { ConverterError } from '../../src/errors.js';
import { type CsvMap, parseCsvMap } from './spec.js';

/** Largest map file read; a map is a few hundred bytes. */
const MAX_MAP_BYTES = 1024 * 1024;

/**
 * Resolves the `csvMap` adapter option: a {@link CsvMap} object, JSON text, or the path of a JSON file
 * (what `--csv-map map.json` passes). Returns `undefined` when the option is absent; throws `E_CONFIG` for
 * anything unreadable or invalid, before any input is read.
 */
export async function loadCsvMap(option: unknown): Promise<CsvMap | undefined> {
  if (option === undefined || option === null || option === '') return undefined;
  if (typeof option === 'object') return parseCsvMap(option, '(csvMap option)');
  if (typeof option !== 'string') {
    throw new ConverterError('E_CONFIG', 'csvMap must be a CSV map object or the path of a JSON file');
  }
  if (option.trimStart().startsWith('{'))
    return parseCsvMap(parseJson(option, '(csvMap option)'), '(csvMap option)');
  const where = JSON.stringify(option);
  let text: string;
  try {
    const info = await stat(option);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > MAX_MAP_BYTES) throw new Error(`larger than ${MAX_MAP_BYTES} bytes`);
    text = await readFile(option, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConverterError('E_CONFIG', `cannot read csv map ${where}: ${reason}`, { cause: error });
  }
  return parseCsvMap(parseJson(text.replace(/^\uFEFF/, ''), where), where);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConverterError('E_CONFIG', `csv map ${where} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
