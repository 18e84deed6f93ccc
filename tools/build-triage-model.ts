import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatReport } from '../src/core/triage/evaluate-predictions.ts';
import { encodeModel } from '../src/core/triage/model-file.ts';
import { createPredictor, evaluatePredictor } from '../src/core/triage/predict-lines.ts';
import { loadCorpus, SHIPPED_MODEL_PATH, TRIAGE_DIR } from '../src/core/triage/shipped-model.ts';
import { trainModel } from '../src/core/triage/train-model.ts';

/*
 * `npm run triage:build`: retrains the shipped model on the training split of the corpus, writes
 * reference/triage/model.brzt, and measures it on the held-out dev split, which it never trains
 * on. The figures go to reference/triage/dev-evaluation.json and docs/triage.md.
 */
const train = loadCorpus('train');
const dev = loadCorpus('dev');
const started = performance.now();
const model = trainModel(train);
const seconds = (performance.now() - started) / 1000;
model.info.version = `shipped-${model.info.trainingSha256.slice(0, 8)}`;
writeFileSync(SHIPPED_MODEL_PATH, encodeModel(model));
console.log(`trained ${model.info.version} on ${train.length} examples in ${seconds.toFixed(1)} s`);

const evaluation = evaluatePredictor(createPredictor(model), dev, 'corpus/dev-*.jsonl');
for (const head of evaluation.heads) console.log(`\n${formatReport(head)}`);
console.log(`\nurgent recall: ${evaluation.urgentRecall?.toFixed(3)}`);
writeFileSync(
  path.join(TRIAGE_DIR, 'dev-evaluation.json'),
  `${JSON.stringify({ trainExamples: train.length, devExamples: dev.length, ...evaluation }, null, 2)}\n`,
);
