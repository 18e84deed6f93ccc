import { spawn } from 'node:child_process';
import path from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { createPredictor } from '../src/core/triage/predict-lines.ts';
import type { LabelledExample } from '../src/core/triage/read-examples.ts';
import { loadCorpus, loadShippedModel } from '../src/core/triage/shipped-model.ts';
import { trainModel } from '../src/core/triage/train-model.ts';
import type { TriageService } from '../src/core/triage/triage-service.ts';

/*
 * Triage figures for `npm run bench`:
 * - messages per second through `predict`, in-process and through the CLI end to end, against the
 *   floor of the same contract without a model (read each JSON line, write a JSON line);
 * - the time triage takes inside each case submission (recorded while the submit scenario runs);
 * - the time to train on 10,000 examples.
 */

export interface TriageFigures {
  predictInProcess: { messages: number; perSecond: number; baselinePerSecond: number; ratio: number };
  predictCli: { messages: number; seconds: number; perSecond: number };
  inSubmission: { decisions: number; p50Us: number; p99Us: number; maxUs: number } | null;
  training: { examples: number; seconds: number; heapMb: number };
}

/** Wraps the service's decide() so every submission's triage is timed; returns the histogram. */
export function timeTriageInSubmissions(triage: TriageService): RecordableHistogram {
  const histogram = createHistogram();
  const decide = triage.decide.bind(triage);
  triage.decide = (input) => {
    const started = process.hrtime.bigint();
    try {
      return decide(input);
    } finally {
      histogram.record(process.hrtime.bigint() - started || 1n);
    }
  };
  return histogram;
}

export async function benchTriage(inSubmission: RecordableHistogram | undefined): Promise<TriageFigures> {
  const corpus = [...loadCorpus('train'), ...loadCorpus('dev')];
  const messages = Array.from({ length: 20_000 }, (_, i) => ({
    id: String(i),
    text: (corpus[i % corpus.length] as LabelledExample).text,
  }));
  const lines = messages.map((m) => JSON.stringify(m));

  const predictor = createPredictor(loadShippedModel());
  // Warm up the JIT on both paths before timing either.
  for (const line of lines.slice(0, 2000))
    JSON.stringify(predictor.answer('w', (JSON.parse(line) as { text: string }).text));
  let started = performance.now();
  let sink = 0;
  for (const line of lines) {
    const m = JSON.parse(line) as { id: string; text: string };
    sink += JSON.stringify({
      id: m.id,
      agency: 'OTHER',
      type: 'complaint',
      urgent: false,
      priority: 'P3',
      language: 'en',
      confidence: 0,
    }).length;
  }
  const baselineSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  for (const line of lines) {
    const m = JSON.parse(line) as { id: string; text: string };
    sink += JSON.stringify(predictor.answer(m.id, m.text)).length;
  }
  const predictSeconds = (performance.now() - started) / 1000;
  if (sink === 0) throw new Error('nothing was produced');

  const cli = await runCli(`${lines.join('\n')}\n`);

  const examples = tenThousandExamples(loadCorpus('train'));
  const heapBefore = process.memoryUsage().heapUsed;
  started = performance.now();
  trainModel(examples);
  const trainingSeconds = (performance.now() - started) / 1000;
  const heapMb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024 ** 2);

  const us = (ns: number) => Math.round(ns / 1000);
  return {
    predictInProcess: {
      messages: lines.length,
      perSecond: Math.round(lines.length / predictSeconds),
      baselinePerSecond: Math.round(lines.length / baselineSeconds),
      ratio: baselineSeconds / predictSeconds,
    },
    predictCli: { messages: lines.length, seconds: cli, perSecond: Math.round(lines.length / cli) },
    inSubmission:
      inSubmission && inSubmission.count > 0
        ? {
            decisions: inSubmission.count,
            p50Us: us(inSubmission.percentile(50)),
            p99Us: us(inSubmission.percentile(99)),
            maxUs: us(inSubmission.max),
          }
        : null,
    training: { examples: examples.length, seconds: trainingSeconds, heapMb },
  };
}

export function formatTriage(f: TriageFigures): string {
  return [
    `triage predict, in process: ${f.predictInProcess.perSecond} messages/s over ${f.predictInProcess.messages} (JSON in/out alone: ${f.predictInProcess.baselinePerSecond}/s; ratio ${f.predictInProcess.ratio.toFixed(3)})`,
    `triage predict, CLI end to end (start, load model, ${f.predictCli.messages} lines): ${f.predictCli.seconds.toFixed(1)} s, ${f.predictCli.perSecond} messages/s`,
    f.inSubmission
      ? `triage inside submissions: ${f.inSubmission.decisions} decisions, p50 ${f.inSubmission.p50Us} µs, p99 ${f.inSubmission.p99Us} µs, max ${f.inSubmission.maxUs} µs`
      : 'triage inside submissions: not measured',
    `training on ${f.training.examples} examples: ${f.training.seconds.toFixed(1)} s (heap +${f.training.heapMb} MB)`,
  ].join('\n');
}

/** The corpus, cycled with distinct endings until there are 10,000 different examples. */
function tenThousandExamples(corpus: LabelledExample[]): LabelledExample[] {
  return Array.from({ length: 10_000 }, (_, i) => {
    const e = corpus[i % corpus.length] as LabelledExample;
    const round = Math.floor(i / corpus.length);
    return round === 0 ? e : { ...e, line: i + 1, text: `${e.text} (ref ${round}-${i})` };
  });
}

function runCli(input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, '../src/cli/main.ts'), 'triage', 'predict'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`triage predict exited with ${code}`));
      else if (lines === 0) reject(new Error('triage predict wrote nothing'));
      else resolve((performance.now() - started) / 1000);
    });
    child.stdin.end(input);
  });
}
