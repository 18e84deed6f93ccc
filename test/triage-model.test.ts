import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeModel, encodeModel } from '../src/core/triage/model-file.ts';
import { readMessage } from '../src/core/triage/read-message.ts';
import { loadCorpus, loadShippedModel } from '../src/core/triage/shipped-model.ts';
import { normaliseText } from '../src/core/triage/text-features.ts';
import { fingerprintExamples, trainModel } from '../src/core/triage/train-model.ts';

describe('the shipped model and its corpus', () => {
  const train = loadCorpus('train');
  const dev = loadCorpus('dev');

  test('the committed model was trained on the current training split (run `npm run triage:build` after editing the corpus)', () => {
    assert.equal(loadShippedModel().info.trainingSha256, fingerprintExamples(train));
  });

  test('no dev message is in the training split: the dev split is held out', () => {
    const trained = new Set(train.map((e) => normaliseText(e.text)));
    const leaked = dev.filter((e) => trained.has(normaliseText(e.text)));
    assert.deepEqual(
      leaked.map((e) => e.text),
      [],
    );
  });

  test('the corpus has several hundred messages for each agency, in English, Kiswahili and mixed, with urgent ones', () => {
    for (const agency of ['KRA', 'DIS', 'BRS', 'NPS', 'MOH', 'OTHER']) {
      const mine = train.filter((e) => e.agency === agency);
      assert.ok(mine.length >= 300, `${agency}: ${mine.length}`);
      for (const language of ['en', 'sw', 'mixed'])
        assert.ok(
          mine.some((e) => e.language === language),
          `${agency} ${language}`,
        );
      assert.ok(new Set(mine.map((e) => e.type)).size === 7, `${agency} covers every type`);
    }
    assert.ok(train.filter((e) => e.urgent).length >= 200);
  });
});

describe('model files', () => {
  const small = loadCorpus('train').filter((_, i) => i % 10 === 0);

  test('a model read back from its bytes predicts what it did before writing', () => {
    const model = trainModel(small);
    const again = decodeModel(encodeModel(model));
    assert.deepEqual(again.info, model.info);
    for (const e of small.slice(0, 50)) {
      const before = readMessage(model, e.text).heads.get('agency');
      const after = readMessage(again, e.text).heads.get('agency');
      assert.equal(after?.label, before?.label);
      assert.ok(
        Math.abs((after?.confidence ?? 0) - (before?.confidence ?? 0)) < 0.02,
        'quantisation barely moves probabilities',
      );
    }
  });

  test('training is deterministic: the same examples give the same model', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.deepEqual(encodeModel(trainModel(small, { now })), encodeModel(trainModel(small, { now })));
  });

  test('a file that is not a model is refused', () => {
    assert.throws(() => decodeModel(Buffer.from('not a model')), /not a Baraza triage model/);
  });
});
