/**
 * Seeded, deterministic randomness and text pools for the input generators. Nothing here reads the clock or
 * the environment: the same seed always gives the same sequence on every machine and Node version.
 */

/**
 * Hashes a string into a 32-bit seed (xmur3 finaliser).
 * @param {string} text
 * @returns {number}
 */
function hashSeed(text) {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A small seeded PRNG (sfc32) with the helpers the generators need.
 * @param {string | number} seed
 */
export function createRandom(seed) {
  const text = String(seed);
  let a = hashSeed(`a:${text}`);
  let b = hashSeed(`b:${text}`);
  let c = hashSeed(`c:${text}`);
  let d = hashSeed(`d:${text}`) | 1;
  /** @returns {number} an unsigned 32-bit integer */
  function next32() {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  }
  for (let i = 0; i < 16; i++) next32();

  const random = {
    /**
     * Scales every chance of a multi-byte word: 1 writes the `multibyte-heavy` mix (about one prose word in
     * ten), {@link REALISTIC_MULTIBYTE_SCALE} the `realistic` mix. Set by the generator entry point.
     */
    multibyte: 1,
    next32,
    /** @returns {number} in [0, 1) */
    float: () => next32() / 4294967296,
    /** @param {number} n @returns {number} an integer in [0, n) */
    int: (n) => Math.floor((next32() / 4294967296) * n),
    /** @param {number} lo @param {number} hi @returns {number} an integer in [lo, hi] */
    range: (lo, hi) => lo + Math.floor((next32() / 4294967296) * (hi - lo + 1)),
    /** @param {number} p @returns {boolean} */
    chance: (p) => next32() / 4294967296 < p,
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: (items) => /** @type {T} */ (items[Math.floor((next32() / 4294967296) * items.length)]),
    /** @param {number} chars @returns {string} lowercase hex of the given length */
    hex(chars) {
      let out = '';
      while (out.length < chars) out += next32().toString(16).padStart(8, '0');
      return out.slice(0, chars);
    },
  };
  return random;
}

/** @typedef {ReturnType<typeof createRandom>} Random */

/**
 * Multi-byte scale of the `realistic` text mix. The corpus (`../shared/corpus`, measured in docs/bench.md) has
 * non-ASCII text in 0.04 % of SARIF results and 4 % of Trivy vulnerabilities; at this scale about 6–15 % of
 * generated records carry a multi-byte word, so the realistic mix still leans to the heavier side.
 */
export const REALISTIC_MULTIBYTE_SCALE = 0.03;

/** Text mixes of the generators: `realistic` (the default) and `multibyte-heavy` (the stress mix). */
export const TEXT_MIXES = ['realistic', 'multibyte-heavy'];

/**
 * True with probability `p` scaled by the generator's multi-byte scale: for every choice of a multi-byte word.
 * @param {Random} rng
 * @param {number} p
 */
export function multibyteChance(rng, p) {
  return rng.chance(p * rng.multibyte);
}

const WORDS = `access account address allows application arbitrary attacker authentication buffer bypass cache
certificate check client code command component configuration connection context cookie credentials cross data
default denial directory disclosure domain element encoding endpoint error execution exposure file filter function
handler header heap host information injection input integer issue kernel key library limit local malicious memory
method module network null object overflow packet parameter password path permission pointer privilege process
protocol query race read redirect remote request resource response root sanitised script secret server service
session site socket string system template token traversal trusted untrusted upload user validation value
variable version vulnerable web write`.split(/\s+/);

/** Multi-byte UTF-8 words (2-, 3- and 4-byte sequences) mixed into generated prose. */
const MULTIBYTE_WORDS = [
  'naïve',
  'café',
  'Straße',
  'Überprüfung',
  'señal',
  'déjà-vu',
  'ошибка',
  'уязвимость',
  'доступ',
  '路径遍历',
  '跨站脚本',
  '注入攻击',
  '脆弱性',
  'エスケープ',
  '認証',
  '취약점',
  'ελέγχου',
  'שגיאה',
  'خطأ',
  '🔒',
  '⚠️',
  '🔥',
  '→',
  '—',
  '✓',
  '€',
  '𝒳',
];

/** Code-like fragments: brackets, quotes, commas and backslashes inside strings stress every splitter. */
const CODE_FRAGMENTS = [
  "const buffer = fs.readFileSync('dist/' + file)",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a code sample, not a template
  'res.send(`<div>${req.query.name}</div>`)',
  'query("SELECT * FROM users WHERE id = " + id)',
  'if (a[i] > 0) { return {"ok": true, "items": [1, 2, 3]}; }',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a code sample, not a template
  'exec(`ls ${dir}`, (err, out) => cb(out))',
  'path = "C:\\\\Users\\\\admin\\\\AppData\\\\Local\\\\Temp"',
  'eval(data["payload"]);',
  'password = "hunter2" # nosec',
  'strcpy(dst, src); /* {[,]} */',
  'yaml.load(stream)  # loader=None',
];

/**
 * Builds a sentence of random words, with about one word in ten multi-byte in the heavy mix.
 * @param {Random} rng
 * @param {number} words
 */
export function sentence(rng, words) {
  const out = [];
  for (let i = 0; i < words; i++)
    out.push(multibyteChance(rng, 0.1) ? rng.pick(MULTIBYTE_WORDS) : rng.pick(WORDS));
  const first = /** @type {string} */ (out[0]);
  out[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${out.join(' ')}.`;
}

/**
 * Builds a paragraph of sentences; sometimes with a quoted phrase or a code fragment.
 * @param {Random} rng
 * @param {number} sentences
 */
export function paragraph(rng, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) {
    if (rng.chance(0.15)) out.push(`Example: "${rng.pick(CODE_FRAGMENTS)}"`);
    else out.push(sentence(rng, rng.range(6, 18)));
  }
  return out.join(' ');
}

/**
 * A code fragment for snippets and plugin output.
 * @param {Random} rng
 */
export function codeFragment(rng) {
  return rng.pick(CODE_FRAGMENTS);
}

/**
 * A word from the plain word list (for identifiers and slugs).
 * @param {Random} rng
 */
export function word(rng) {
  return rng.pick(WORDS);
}

/**
 * A multi-byte word.
 * @param {Random} rng
 */
export function multibyteWord(rng) {
  return rng.pick(MULTIBYTE_WORDS);
}

/**
 * A multi-byte word where the heavy mix always writes one (a maintainer's or user's name); in the realistic mix
 * only at its scale, else a plain word. The heavy mix draws nothing here, so its bytes stay those of version 2.
 * @param {Random} rng
 */
export function multibyteOrPlainWord(rng) {
  return rng.multibyte >= 1 || multibyteChance(rng, 1) ? multibyteWord(rng) : word(rng);
}

/**
 * Builds `count` items with `make`, once, so generators can pick from a realistic, repetitive pool.
 * @template T
 * @param {number} count
 * @param {(index: number) => T} make
 * @returns {T[]}
 */
export function pool(count, make) {
  const items = [];
  for (let i = 0; i < count; i++) items.push(make(i));
  return items;
}

/**
 * An ISO-8601 timestamp `days` after 2024-01-01, deterministic.
 * @param {number} days
 * @param {number} [seconds]
 */
export function isoDate(days, seconds = 0) {
  return new Date(Date.UTC(2024, 0, 1) + days * 86_400_000 + seconds * 1000).toISOString();
}

/**
 * Re-indents pretty-printed JSON so it nests at `pad` (JSON strings never contain raw newlines).
 * @param {unknown} value
 * @param {string} pad
 */
export function prettyAt(value, pad) {
  return pad + JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`);
}
