import { type Prediction, probabilitiesAmong, probabilitiesOf, rank, weightOf } from './linear-model.ts';
import type { Model } from './model-file.ts';
import { featurise, tokenise, wordBucket } from './text-features.ts';

/** What the model alone makes of a message: one prediction per head it has. */
export interface ModelReading {
  heads: Map<string, Prediction>;
  /** Probability that the message is urgent, when the model has an urgent head. */
  urgentProbability?: number;
  /**
   * The best service among one agency's services (labelled AGENCY/code), when the model has a
   * service head. Asked for separately: scoring only that agency's labels is most of the saving.
   */
  serviceOf(agencyCode: string): Prediction | undefined;
}

export function readMessage(model: Model, text: string): ModelReading {
  const x = featurise(text, model.info.bits);
  const all = [...model.heads.values()].filter((head) => head.name !== 'service');
  const serviceHead = model.heads.get('service');
  const serviceOf = (agencyCode: string) => {
    if (!serviceHead) return undefined;
    const prefix = `${agencyCode}/`;
    const from = serviceHead.labels.findIndex((label) => label.startsWith(prefix));
    if (from < 0) return undefined;
    let to = from;
    while (to < serviceHead.labels.length && (serviceHead.labels[to] as string).startsWith(prefix)) to++;
    const p = probabilitiesAmong(serviceHead, x, from, to);
    return rank({ ...serviceHead, labels: serviceHead.labels.slice(from, to) }, p);
  };
  const p = probabilitiesOf(all, x);
  const heads = new Map<string, Prediction>();
  let urgentProbability: number | undefined;
  all.forEach((head, h) => {
    const probabilities = p[h] as Float64Array;
    if (head.name === 'urgent') urgentProbability = probabilities[head.labels.indexOf('true')] as number;
    heads.set(head.name, rank(head, probabilities));
  });
  return urgentProbability === undefined ? { heads, serviceOf } : { heads, urgentProbability, serviceOf };
}

/**
 * The words that pushed a head towards `label` the most, for the reason shown to staff ("weighed
 * most: pasipoti, renew, ofisi"). Each word is credited with its own feature and its character
 * n-grams; an approximation of its share of the score, good enough to explain a decision.
 */
export function weightiestWords(
  model: Model,
  headName: string,
  label: string,
  text: string,
  count = 3,
): string[] {
  const head = model.heads.get(headName);
  if (!head) return [];
  const c = head.labels.indexOf(label);
  if (c < 0) return [];
  const n = head.labels.length;
  const mask = (1 << model.info.bits) - 1;
  const scores = new Map<string, number>();
  for (const word of new Set(tokenise(text))) {
    if (word.length < 3 || /^0+$/.test(word)) continue;
    // The word's own feature only (its character n-grams are shared with other words, and
    // crediting them costs more than the rest of triage): the margin of the label over the
    // average label, so words common to every agency score nothing.
    const bucket = wordBucket(word, mask) & head.mask;
    let mean = 0;
    for (let k = 0; k < n; k++) mean += weightOf(head, bucket, k);
    scores.set(word, weightOf(head, bucket, c) - mean / n);
  }
  return [...scores]
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([word]) => word);
}
