import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import {
  DEFAULT_TRAINING,
  emptyHeads,
  type TrainingItem,
  type TrainOptions,
  trainHeads,
} from './linear-model.ts';
import { MODEL_FORMAT, type Model, type ModelInfo } from './model-file.ts';
import type { LabelledExample } from './read-examples.ts';
import { featurise, type SparseVector } from './text-features.ts';

/** 2^18 hashed features: few collisions for a corpus of this size, 1 MB per label in memory. */
export const FEATURE_BITS = 18;
/** The service head has some sixty labels: 2^15 buckets keep it to 8 MB in memory. */
const SERVICE_BITS = 15;
/**
 * The urgent head says "urgent" from this probability up. Below one half on purpose: missing an
 * emergency costs far more than a supervisor glancing at a case that was not one.
 */
export const URGENT_THRESHOLD = 0.2;

export interface TrainModelOptions {
  now?: Date;
  training?: Partial<TrainOptions>;
  /** Examples that must weigh more than one corpus line, e.g. officers' own routing decisions. */
  weights?: number[];
}

/**
 * Trains a model from labelled examples. Examples with `agency` (the triage corpus, or an
 * agency's export in that shape) give a triage model with agency, type, urgent and language
 * heads, each trained on the examples that carry that label; examples with `label` give a model
 * for any label set.
 */
export function trainModel(examples: LabelledExample[], options: TrainModelOptions = {}): Model {
  if (examples.length === 0) throw new AppError('invalid_input', 'there are no examples to train on');
  const kind = examples.every((e) => e.label === undefined) ? 'triage' : 'custom';
  const missing = examples.find((e) => (kind === 'custom' ? e.label === undefined : e.agency === undefined));
  if (missing) {
    throw new AppError(
      'invalid_input',
      `line ${missing.line}: no ${kind === 'custom' ? '"label"' : '"agency"'}; every line needs one`,
    );
  }
  const training = { ...DEFAULT_TRAINING, ...options.training };
  const vectors = examples.map((e) => featurise(e.text, FEATURE_BITS));
  const labelOf: Record<string, (e: LabelledExample) => string | undefined> =
    kind === 'custom'
      ? { label: (e) => e.label }
      : {
          agency: (e) => e.agency,
          type: (e) => e.type,
          urgent: (e) => (e.urgent === undefined ? undefined : String(e.urgent)),
          language: (e) => e.language,
          service: (e) => e.service,
        };
  const specs: { name: string; labels: string[]; pick: (e: LabelledExample) => string | undefined }[] = [];
  for (const [name, pick] of Object.entries(labelOf)) {
    const labels = [...new Set(examples.map(pick).filter((l): l is string => l !== undefined))].sort();
    if (labels.length < 2) {
      if (name === 'label' || name === 'agency') {
        throw new AppError(
          'invalid_input',
          `training needs at least two different ${name}s; found ${labels.length}`,
        );
      }
      continue;
    }
    specs.push({ name, labels, pick });
  }
  const main = specs.filter((s) => s.name !== 'service');
  const service = specs.filter((s) => s.name === 'service');
  const all = [
    ...emptyHeads(main, 1 << FEATURE_BITS),
    ...(service.length ? emptyHeads(service, 1 << SERVICE_BITS) : []),
  ];
  const ordered = [...main, ...service];
  const items: TrainingItem[] = [];
  examples.forEach((e, i) => {
    const labels = Int32Array.from(ordered, (spec) => {
      const label = spec.pick(e);
      return label === undefined ? -1 : spec.labels.indexOf(label);
    });
    const x = vectors[i] as SparseVector;
    const copies = Math.max(1, Math.round(options.weights?.[i] ?? 1));
    for (let k = 0; k < copies; k++) items.push({ x, labels });
  });
  trainHeads(all, items, training);
  const heads = new Map(all.map((head) => [head.name, head]));
  const now = options.now ?? new Date();
  const trainingSha256 = fingerprintExamples(examples);
  const info: ModelInfo = {
    format: MODEL_FORMAT,
    version: `${kind}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}-${trainingSha256.slice(0, 8)}`,
    createdAt: now.toISOString(),
    bits: FEATURE_BITS,
    kind,
    heads: [...heads.values()].map((h) =>
      h.name === 'service'
        ? { name: h.name, labels: h.labels, bits: SERVICE_BITS }
        : { name: h.name, labels: h.labels },
    ),
    examples: examples.length,
    trainingSha256,
  };
  if (heads.has('urgent')) info.urgentThreshold = URGENT_THRESHOLD;
  return { info, heads };
}

/** The same examples in the same order give the same fingerprint, whatever file they came from. */
export function fingerprintExamples(examples: LabelledExample[]): string {
  const hash = createHash('sha256');
  for (const e of examples) {
    hash.update(JSON.stringify([e.text, e.label, e.agency, e.type, e.urgent, e.language, e.service]));
    hash.update('\n');
  }
  return hash.digest('hex');
}
