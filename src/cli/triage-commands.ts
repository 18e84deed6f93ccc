import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../core/errors.ts';
import { formatReport } from '../core/triage/evaluate-predictions.ts';
import { encodeModel, type Model } from '../core/triage/model-file.ts';
import { createPredictor, evaluatePredictor } from '../core/triage/predict-lines.ts';
import { parseExamples, parseMessageLine } from '../core/triage/read-examples.ts';
import { loadShippedModel, readModelFile } from '../core/triage/shipped-model.ts';
import { trainModel } from '../core/triage/train-model.ts';

/*
 * `baraza triage predict | train | evaluate`: a stable command-line contract other tools call
 * (docs/triage.md). They work on files and standard streams and need no database.
 */

export interface Streams {
  input: Readable;
  output: Writable;
  errors: Writable;
}

export function modelFrom(file: string | undefined): Model {
  return file ? readModelFile(file) : loadShippedModel();
}

/**
 * One JSON line out per good JSON line in, in order. A bad line is reported on standard error
 * with its line number and the rest still answered; the exit code is then 1.
 */
export async function predictCommand(model: Model, streams: Streams): Promise<number> {
  const predictor = createPredictor(model);
  const lines = createInterface({ input: streams.input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let failures = 0;
  let pending = '';
  for await (const raw of lines) {
    lineNumber++;
    try {
      const message = parseMessageLine(raw, lineNumber);
      pending += `${JSON.stringify(predictor.answer(message.id, message.text))}\n`;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failures++;
      streams.errors.write(`${error.message}\n`);
    }
    // Written in chunks: one write per line would dominate the cost of a large batch.
    if (pending.length > 65536) {
      if (!streams.output.write(pending))
        await new Promise((resolve) => streams.output.once('drain', resolve));
      pending = '';
    }
  }
  if (pending) streams.output.write(pending);
  if (failures > 0) streams.errors.write(`${failures} of ${lineNumber} lines could not be read\n`);
  return failures > 0 ? 1 : 0;
}

export function trainCommand(inputFile: string, outFile: string, print: (line: string) => void): number {
  const examples = parseExamples(readText(inputFile), inputFile);
  const started = performance.now();
  const model = trainModel(examples);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  writeFileSync(outFile, encodeModel(model));
  for (const head of model.info.heads) print(`${head.name}: ${head.labels.join(', ')}`);
  print(
    `trained ${model.info.version} on ${examples.length} examples in ${seconds} s; written to ${outFile}`,
  );
  return 0;
}

export function evaluateCommand(
  inputFile: string,
  model: Model,
  print: (line: string) => void,
  options: { json?: boolean } = {},
): number {
  const examples = parseExamples(readText(inputFile), inputFile);
  const evaluation = evaluatePredictor(createPredictor(model), examples, inputFile);
  if (options.json) {
    print(JSON.stringify(evaluation, null, 2));
    return 0;
  }
  print(`model ${evaluation.model}, ${examples.length} examples from ${inputFile}`);
  for (const head of evaluation.heads) print(`\n${formatReport(head)}`);
  if (evaluation.urgentRecall !== undefined) print(`\nurgent recall: ${evaluation.urgentRecall.toFixed(3)}`);
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}
