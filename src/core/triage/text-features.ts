/*
 * Turns a citizen's message into a sparse feature vector for the linear classifier.
 *
 * Citizens write English, Kiswahili, Sheng and mixtures of them, misspell freely and use SMS
 * shorthand ("pls", "sijapata", "nmba"). Whole words alone generalise badly over that, so each
 * word also contributes its character n-grams (2 to 5 characters, padded with spaces so word
 * starts and ends count): "pasport" and "passport" share most of theirs, and so do "nimelipa",
 * "amelipa" and "malipo". Word bigrams keep some phrases ("kitu kidogo", "tax refund").
 *
 * Features are hashed into a fixed space (the hashing trick), so there is no vocabulary to store
 * and any label set trains on the same machinery.
 */

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = 0x9e3779b1;
const BIGRAM_SEED = 0x85ebca6b;
const MIN_GRAM = 4;
const MAX_GRAM = 5;
/** Character n-grams are many per word; this keeps their total weight comparable to the words'. */
const CHAR_WEIGHT = 0.5;

/**
 * Lower case, accents folded, digits collapsed to 0 (amounts and reference numbers say little
 * about the agency, their shape says a little), letters repeated three or more times shortened
 * to two ("pleeease"), everything else a space.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\d+/g, '0')
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .replace(/[^\p{L}0\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function tokenise(text: string): string[] {
  const normalised = normaliseText(text);
  return normalised === '' ? [] : normalised.split(' ');
}

function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), FNV_PRIME);
  h ^= h >>> 15;
  return h >>> 0;
}

/** The bucket of the word's own feature (not its n-grams). */
export function wordBucket(word: string, mask: number): number {
  return fnv(WORD_SEED, word) & mask;
}

/** Calls `emit(bucket, weight)` for each feature one word contributes on its own. */
export function wordFeatures(word: string, mask: number, emit: (bucket: number, weight: number) => void) {
  emit(fnv(WORD_SEED, word) & mask, 1);
  const padded = ` ${word} `;
  for (let start = 0; start < padded.length - 1; start++) {
    let h = FNV_OFFSET;
    const end = Math.min(padded.length, start + MAX_GRAM);
    for (let i = start; i < end; i++) {
      h ^= padded.charCodeAt(i);
      h = Math.imul(h, FNV_PRIME);
      if (i - start + 1 >= MIN_GRAM) emit((h >>> 0) & mask, CHAR_WEIGHT);
    }
  }
}

/**
 * The message's feature vector: counts per hashed feature, damped with log(1 + count) so a word
 * repeated in anger does not drown the rest, and scaled to unit length so long e-mails and short
 * SMS weigh alike.
 */
export function featurise(text: string, bits: number): SparseVector {
  const mask = (1 << bits) - 1;
  const table = FeatureTable.shared;
  table.clear();
  const words = tokenise(text);
  let previous = -1;
  for (const word of words) {
    wordFeatures(word, mask, table.add);
    const wordHash = fnv(WORD_SEED, word);
    if (previous >= 0) table.add(mix(previous, wordHash ^ BIGRAM_SEED) & mask, 1);
    previous = wordHash;
  }
  const n = table.size;
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  let norm = 0;
  for (let k = 0; k < n; k++) {
    const value = Math.log1p(table.weights[k] as number);
    indices[k] = table.buckets[k] as number;
    values[k] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = 0; k < n; k++) values[k] = (values[k] as number) * scale;
  return { indices, values };
}

/**
 * Sums weights per bucket in an open-addressing hash table of typed arrays, reused from call
 * to call (a Map here cost more than all the hashing). Grows for very long messages.
 */
class FeatureTable {
  static readonly shared = new FeatureTable(4096);
  slots: Int32Array;
  buckets: Int32Array;
  weights: Float64Array;
  /** The slot each entry occupies, so clearing empties exactly those. */
  used: Int32Array;
  size = 0;

  constructor(private capacity: number) {
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.buckets = new Int32Array(capacity);
    this.weights = new Float64Array(capacity);
    this.used = new Int32Array(capacity);
  }

  clear(): void {
    for (let k = 0; k < this.size; k++) this.slots[this.used[k] as number] = -1;
    this.size = 0;
  }

  readonly add = (bucket: number, weight: number): void => {
    const slot = this.slotOf(bucket);
    const k = this.slots[slot] as number;
    if (k >= 0) {
      this.weights[k] = (this.weights[k] as number) + weight;
      return;
    }
    if (this.size === this.capacity) {
      this.grow();
      this.add(bucket, weight);
      return;
    }
    this.slots[slot] = this.size;
    this.used[this.size] = slot;
    this.buckets[this.size] = bucket;
    this.weights[this.size] = weight;
    this.size++;
  };

  /** The slot holding `bucket`, or the empty slot where it goes (linear probing). */
  private slotOf(bucket: number): number {
    const size = this.slots.length;
    let slot = Math.imul(bucket, 0x9e3779b1) >>> 0;
    slot &= size - 1;
    for (;;) {
      const k = this.slots[slot] as number;
      if (k < 0 || this.buckets[k] === bucket) return slot;
      slot = (slot + 1) & (size - 1);
    }
  }

  private grow(): void {
    const { buckets, weights, size } = this;
    this.capacity *= 2;
    this.slots = new Int32Array(this.capacity * 2).fill(-1);
    this.buckets = new Int32Array(this.capacity);
    this.weights = new Float64Array(this.capacity);
    this.used = new Int32Array(this.capacity);
    this.size = 0;
    for (let k = 0; k < size; k++) this.add(buckets[k] as number, weights[k] as number);
  }
}
