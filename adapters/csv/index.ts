import { defineAdapter } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';

/** Placeholder until the csv adapter lands: claims nothing, refuses to parse. */
export default defineAdapter({
  name: 'csv',
  meta: { description: 'csv (not implemented yet)', extensions: [], identity: 'n/a' },
  detect: () => false,
  // biome-ignore lint/correctness/useYield: placeholder
  async *parse() {
    throw new ConverterError('E_FORMAT', 'the csv adapter is not implemented yet', { adapter: 'csv' });
  },
});
