import { createHash, hash } from 'node:crypto';

/**
 * SHA-1 of a string. The one-shot `crypto.hash` (Node ≥ 20.12) is about twice as fast as a Hash object for
 * short inputs; older Node 20 releases take the Hash object.
 */
export const sha1: (data: string) => Buffer =
  typeof hash === 'function'
    ? (data) => hash('sha1', data, 'buffer')
    : (data) => createHash('sha1').update(data).digest();
