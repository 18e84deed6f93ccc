import { parentPort, workerData } from 'node:worker_threads';
import type { TriageRule } from './match-rules.ts';
import { encodeModel } from './model-file.ts';
import { createPredictor, evaluatePredictor } from './predict-lines.ts';
import type { LabelledExample } from './read-examples.ts';
import { loadCorpus } from './shipped-model.ts';
import { trainModel } from './train-model.ts';

/*
 * Trains and evaluates a model off the main thread (a few seconds of CPU that would otherwise
 * stall every request). Input and output travel as structured clones.
 */
export interface TrainJob {
  entry: string;
  examples: LabelledExample[];
  weights: number[];
  version: string;
  now: string;
  rules: TriageRule[];
  clearingThreshold: number;
}

const job = workerData as TrainJob;
const model = trainModel(job.examples, { now: new Date(job.now), weights: job.weights });
model.info.version = job.version;
const evaluation = evaluatePredictor(
  createPredictor(model, { rules: job.rules, clearingThreshold: job.clearingThreshold }),
  loadCorpus('dev'),
  'corpus/dev-*.jsonl',
);
parentPort?.postMessage({ bytes: encodeModel(model), evaluation, examples: job.examples.length });
