import { type Adapter, defineAdapter } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { detectNessus } from './detect.js';

/**
 * Nessus / Tenable `.nessus` (NessusClientData_v2) exports → findings, one `ReportItem` each, streamed one
 * `ReportHost` at a time. Options: `minSeverity` (label; items below it are skipped and counted). See `docs/nessus.md`.
 */
export default defineAdapter<Adapter>({
  name: 'nessus',
  meta: {
    description: 'Nessus, Tenable.sc and Tenable.io/WAS .nessus (NessusClientData_v2) XML exports',
    extensions: ['nessus', 'xml'],
    docsUrl: 'https://static.tenable.com/documentation/nessus_v2_file_format.pdf',
    identity:
      'host (EC2 instance id, else host-ip, else host-fqdn, else ReportHost name) + port + protocol + pluginID (+ compliance check id; + ordinal when an item repeats on a host)',
    // The splitter/decoder is done with a chunk (the unfinished part copied) before it asks for the next.
    releasesChunks: true,
  },
  detect: detectNessus,
  async *parse(input, ctx) {
    // Loaded on first use: saxes (CommonJS) and the mapping are not needed to detect, nor by other formats.
    const [{ FindingQueue, minSeverityOption }, { decodeUtf8Pieces }, { NESSUS_LIMITS }, { NessusReader }] =
      await Promise.all([
        import('./converter.js'),
        import('./input.js'),
        import('./limits.js'),
        import('./reader.js'),
      ]);
    const queue = new FindingQueue(ctx, minSeverityOption(ctx.options));
    const reader = new NessusReader(queue);
    try {
      for await (const piece of decodeUtf8Pieces(input, NESSUS_LIMITS.pieceBytes)) {
        if (ctx.signal?.aborted === true) {
          throw new ConverterError('E_ABORTED', 'conversion aborted', { adapter: 'nessus' });
        }
        reader.write(piece);
        yield* queue.drain();
      }
      reader.end();
    } catch (error) {
      // Items completed before a fatal problem (truncation, bad XML) are still handed over, then the error.
      yield* queue.drain();
      throw error;
    }
    yield* queue.drain();
  },
});
