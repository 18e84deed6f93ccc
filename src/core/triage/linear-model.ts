import type { SparseVector } from './text-features.ts';

/*
 * Multinomial logistic regression over hashed features: one "head" per question the model
 * answers (which agency, which case type, urgent or not, which language, which service). Small,
 * fast to train in-process, and its softmax gives a probability to compare with the
 * clearing-house threshold.
 *
 * Heads with the same bucket space share one weight table, a row per bucket holding every head's
 * weights side by side. A message touches some 700 buckets scattered over megabytes; with the
 * rows shared, each costs one cache miss for all heads instead of one per head, which made
 * triage three times faster.
 */

export interface Head {
  name: string;
  labels: string[];
  /** Shared by the heads of one table: weight of label c at bucket b is [b * stride + offset + c]. */
  weights: Float32Array;
  stride: number;
  offset: number;
  bias: Float32Array;
  /**
   * buckets - 1. A head with many labels may use fewer buckets than the features are hashed
   * into: feature indices are folded into its space, trading a few collisions for memory.
   */
  mask: number;
}

export interface Prediction {
  label: string;
  confidence: number;
  /** Every label's probability, best first. */
  ranked: { label: string; probability: number }[];
}

/** Heads sharing one weight table of `buckets` rows. */
export function emptyHeads(specs: { name: string; labels: string[] }[], buckets: number): Head[] {
  const stride = specs.reduce((sum, s) => sum + s.labels.length, 0);
  const weights = new Float32Array(buckets * stride);
  let offset = 0;
  return specs.map(({ name, labels }) => {
    const head = {
      name,
      labels,
      weights,
      stride,
      offset,
      bias: new Float32Array(labels.length),
      mask: buckets - 1,
    };
    offset += labels.length;
    return head;
  });
}

export function weightOf(head: Head, bucket: number, label: number): number {
  return head.weights[bucket * head.stride + head.offset + label] as number;
}

/** Adds each head's scores for x (bias plus weights) into `scores`, head after head. */
function score(heads: readonly Head[], x: SparseVector, scores: Float64Array[]): void {
  heads.forEach((head, h) => {
    const out = scores[h] as Float64Array;
    for (let c = 0; c < head.labels.length; c++) out[c] = head.bias[c] as number;
  });
  const { indices, values } = x;
  for (let h = 0; h < heads.length; h++) {
    const { weights, mask, stride, offset } = heads[h] as Head;
    const out = scores[h] as Float64Array;
    const n = out.length;
    for (let k = 0; k < indices.length; k++) {
      const base = ((indices[k] as number) & mask) * stride + offset;
      const v = values[k] as number;
      for (let c = 0; c < n; c++) out[c] = (out[c] as number) + (weights[base + c] as number) * v;
    }
  }
}

function softmax(out: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < out.length; c++) max = Math.max(max, out[c] as number);
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = Math.exp((out[c] as number) - max);
    sum += out[c] as number;
  }
  for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) / sum;
  return out;
}

/** Every head's softmax probabilities, in one pass over the features. */
export function probabilitiesOf(heads: readonly Head[], x: SparseVector): Float64Array[] {
  const scores = heads.map((head) => new Float64Array(head.labels.length));
  score(heads, x, scores);
  return scores.map(softmax);
}

/**
 * Probabilities of the labels from `from` to `to` (exclusive) only, as if the head had no others:
 * the service head's labels for one agency, without scoring the other agencies' services.
 */
export function probabilitiesAmong(head: Head, x: SparseVector, from: number, to: number): Float64Array {
  const n = to - from;
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) out[c] = head.bias[from + c] as number;
  const { indices, values } = x;
  const { weights, mask, stride } = head;
  const start = head.offset + from;
  for (let k = 0; k < indices.length; k++) {
    const base = ((indices[k] as number) & mask) * stride + start;
    const v = values[k] as number;
    for (let c = 0; c < n; c++) out[c] = (out[c] as number) + (weights[base + c] as number) * v;
  }
  return softmax(out);
}

export function rank(head: Head, p: Float64Array): Prediction {
  const ranked = head.labels
    .map((label, c) => ({ label, probability: p[c] as number }))
    .sort((a, b) => b.probability - a.probability);
  const best = ranked[0] as { label: string; probability: number };
  return { label: best.label, confidence: best.probability, ranked };
}

export function predict(head: Head, x: SparseVector): Prediction {
  return rank(head, probabilitiesOf([head], x)[0] as Float64Array);
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied as weight decay on the weights an example touches. */
  l2: number;
  /** Weigh each class inversely to its frequency, so a rare class (urgent) is not ignored. */
  balanced: boolean;
  seed: number;
}

export const DEFAULT_TRAINING: TrainOptions = {
  epochs: 12,
  learningRate: 3,
  l2: 1e-6,
  balanced: true,
  seed: 20261124,
};

/** One training example: its features and, per head, its label's index (or -1 when it has none). */
export interface TrainingItem {
  x: SparseVector;
  labels: Int32Array;
}

/**
 * Stochastic gradient descent on each head's cross-entropy, all heads in one pass per example,
 * examples visited in a seeded shuffled order each epoch, with a learning rate that decays per
 * epoch. The same data and seed always give the same model.
 */
export function trainHeads(
  heads: Head[],
  items: TrainingItem[],
  options: TrainOptions = DEFAULT_TRAINING,
): void {
  const classWeights = heads.map((head, h) => classWeightsOf(head, items, h, options.balanced));
  const order = items.map((_, i) => i);
  const random = seededRandom(options.seed);
  const scores = heads.map((head) => new Float64Array(head.labels.length));
  const steps = heads.map((head) => new Float64Array(head.labels.length));
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    const rate = options.learningRate / (1 + epoch * 0.5);
    const decay = 1 - rate * options.l2;
    for (const i of order) {
      const item = items[i] as TrainingItem;
      score(heads, item.x, scores);
      heads.forEach((head, h) => {
        const label = item.labels[h] as number;
        const step = steps[h] as Float64Array;
        if (label < 0) {
          step.fill(0);
          return;
        }
        const p = softmax(scores[h] as Float64Array);
        const scale = rate * ((classWeights[h] as Float64Array)[label] as number);
        for (let c = 0; c < step.length; c++) {
          step[c] = scale * ((p[c] as number) - (c === label ? 1 : 0));
          head.bias[c] = (head.bias[c] as number) - (step[c] as number);
        }
      });
      const { indices, values } = item.x;
      for (let k = 0; k < indices.length; k++) {
        const index = indices[k] as number;
        const v = values[k] as number;
        for (let h = 0; h < heads.length; h++) {
          if ((item.labels[h] as number) < 0) continue;
          const head = heads[h] as Head;
          const step = steps[h] as Float64Array;
          const w = head.weights;
          const base = (index & head.mask) * head.stride + head.offset;
          for (let c = 0; c < step.length; c++)
            w[base + c] = (w[base + c] as number) * decay - (step[c] as number) * v;
        }
      }
    }
  }
}

function classWeightsOf(head: Head, items: TrainingItem[], h: number, balanced: boolean): Float64Array {
  const n = head.labels.length;
  const weights = new Float64Array(n).fill(1);
  if (!balanced) return weights;
  const counts = new Float64Array(n);
  let total = 0;
  for (const item of items) {
    const label = item.labels[h] as number;
    if (label < 0) continue;
    counts[label] = (counts[label] as number) + 1;
    total++;
  }
  const present = counts.filter((c) => c > 0).length;
  for (let c = 0; c < n; c++) {
    const count = counts[c] as number;
    // Capped, so a class with a handful of examples does not swing the whole model.
    weights[c] = count > 0 ? Math.min(5, total / (present * count)) : 0;
  }
  return weights;
}

/** Mulberry32: small, fast, good enough to shuffle training data reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
