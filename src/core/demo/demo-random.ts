/*
 * Deterministic randomness for the demo data. Every case draws from a generator of its own, keyed
 * by (seed, case number), so case 517 is the same whatever the batch size, the number of cases or
 * the order batches finish in. sfc32 has 128 bits of state: keys that differ give streams that
 * differ, which a 32-bit generator (mulberry32) would not promise for a million cases.
 */

const UINT32 = 2 ** 32;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number, key: number) {
    this.a = seed >>> 0;
    this.b = stream >>> 0;
    this.c = key >>> 0;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** The next unsigned 32-bit number (sfc32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** In [0, 1). */
  float(): number {
    return this.next() / UINT32;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.float() * max);
  }

  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('cannot pick from an empty list');
    return item;
  }

  /** Log-uniform: as many waits of 1-10 hours as of 10-100, as real response times are spread. */
  hours(min: number, max: number): number {
    return Math.round(Math.exp(this.between(Math.log(min), Math.log(max))) * 3_600_000);
  }

  /** A version 4 UUID made of this generator's bits. */
  uuid(): string {
    const hex = (value: number) => value.toString(16).padStart(8, '0');
    const a = hex(this.next());
    const b = hex(((this.next() & 0xffff0fff) | 0x00004000) >>> 0);
    const c = hex(((this.next() & 0x3fffffff) | 0x80000000) >>> 0);
    const d = hex(this.next());
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}

/** Picks from weighted options; the cumulative table is built once and reused for every case. */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => (sum += weight));
    this.total = sum;
    if (this.items.length === 0 || sum <= 0) throw new Error('Weighted needs at least one positive weight');
  }

  pick(random: Random): T {
    const target = random.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low] as T;
  }
}

const MASK_30 = 0x3fffffff;

/**
 * A bijection on 30-bit numbers (odd multipliers and xor-shifts are invertible mod 2^30), keyed by
 * the seed. Case numbers map to distinct 30-bit values, and 2^30 = 8^10 is exactly the space of
 * reference bodies, so one seed's references never collide with one another.
 */
export function permute30(value: number, seed: number): number {
  let x = (value + Math.imul(seed, 0x61c88647)) & MASK_30;
  x = Math.imul(x, 0x2c1b3c6d | 1) & MASK_30;
  x ^= x >>> 15;
  x = Math.imul(x, 0x297a2d39 | 1) & MASK_30;
  x ^= x >>> 13;
  x = Math.imul(x, 0x5bd1e995 | 1) & MASK_30;
  x ^= x >>> 16;
  return (x + Math.imul(seed, 0x7f4a7c15)) & MASK_30;
}

/**
 * x -> (a.x + b) mod m, a bijection on [0, m) when a shares no factor with m (m here is 10^8 or
 * 2.10^7, so any a not divisible by 2 or 5). Gives each demo citizen a phone number of their own.
 */
export function permuteModulo(value: number, modulus: number, seed: number): number {
  const multiplier = 73_939_133; // ends in 3: coprime to 2 and 5
  const offset = (seed * 2_654_435) % modulus;
  return ((value % modulus) * multiplier + offset) % modulus;
}
