import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel, type Model } from './model-file.ts';
import { type LabelledExample, parseExamples } from './read-examples.ts';

/*
 * The model Baraza ships with, trained on the corpus written for it (reference/triage/corpus,
 * see its LABELLING.md). The trained file is committed so that nothing is trained or downloaded
 * at run time; `npm run triage:build` retrains it after the corpus changes, and a test fails when
 * the committed model no longer matches the corpus.
 */

export const TRIAGE_DIR = path.join(import.meta.dirname, '../../../reference/triage');
export const SHIPPED_MODEL_PATH = path.join(TRIAGE_DIR, 'model.brzt');

/** The training split (`train-*.jsonl`) or the held-out dev split (`dev-*.jsonl`) of the corpus. */
export function loadCorpus(split: 'train' | 'dev'): LabelledExample[] {
  const dir = path.join(TRIAGE_DIR, 'corpus');
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${split}-`) && f.endsWith('.jsonl'))
    .sort();
  return files.flatMap((file) =>
    parseExamples(readFileSync(path.join(dir, file), 'utf8'), `corpus/${file}`, 'jsonl'),
  );
}

let shipped: Model | undefined;

export function loadShippedModel(): Model {
  shipped ??= decodeModel(readFileSync(SHIPPED_MODEL_PATH), SHIPPED_MODEL_PATH);
  return shipped;
}

export function readModelFile(file: string): Model {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read the model ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return decodeModel(bytes, file);
}
