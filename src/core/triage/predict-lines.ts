import { AppError } from '../errors.ts';
import {
  DEFAULT_CLEARING_THRESHOLD,
  decideTriage,
  NO_SERVICE,
  OTHER,
  type TriageContext,
} from './decide-triage.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { evaluatePredictions, type HeadReport } from './evaluate-predictions.ts';
import { predict } from './linear-model.ts';
import { RuleSet, type TriageRule } from './match-rules.ts';
import type { Model } from './model-file.ts';
import type { LabelledExample } from './read-examples.ts';
import { LineError } from './read-examples.ts';
import { featurise } from './text-features.ts';

/*
 * The stable answer of `baraza triage predict` for one message, and the evaluation built on it.
 * A triage model answers as a case submission would be triaged (rules, then the model, then the
 * clearing-house threshold); any other model answers its one label.
 */

export interface TriageAnswer {
  id: string;
  agency: string;
  type: string;
  urgent: boolean;
  priority: string;
  language: string;
  confidence: number;
}

export interface LabelAnswer {
  id: string;
  label: string;
  confidence: number;
}

export interface Predictor {
  model: Model;
  /** The contract's answer: exactly the fields docs/triage.md promises. */
  answer(id: string, text: string): TriageAnswer | LabelAnswer;
  /** The answer with what the contract leaves out (the service), for evaluation. */
  details(text: string): Record<string, unknown>;
}

export function createPredictor(
  model: Model,
  options: { rules?: TriageRule[]; clearingThreshold?: number } = {},
): Predictor {
  if (model.info.kind === 'custom') {
    const head = model.heads.get('label');
    if (!head) throw new AppError('invalid_input', `model ${model.info.version} has no label head`);
    const answer = (id: string, text: string) => {
      const p = predict(head, featurise(text, model.info.bits));
      return { id, label: p.label, confidence: round(p.confidence) };
    };
    return { model, answer, details: (text) => ({ ...answer('', text) }) };
  }
  const known = new Set(model.info.heads.find((h) => h.name === 'agency')?.labels ?? []);
  const context: TriageContext = {
    model,
    rules: new RuleSet(options.rules ?? DEFAULT_RULES),
    clearingThreshold: options.clearingThreshold ?? DEFAULT_CLEARING_THRESHOLD,
    isOnboarded: (code) => code !== OTHER && known.has(code),
  };
  const decide = (id: string, text: string) => {
    const d = decideTriage(context, { text });
    // A sealed report is about an agency too: OTHER only when the model could not tell which.
    const cleared =
      d.route.why === 'low_confidence' || d.route.why === 'not_onboarded' || !d.agency.confident;
    const answer: TriageAnswer = {
      id,
      agency: cleared ? OTHER : d.agency.code,
      type: d.type.value,
      urgent: d.urgent.value,
      priority: d.priority.value,
      language: d.language.value,
      confidence: d.agency.confidence,
    };
    return { answer, service: d.service?.code ?? `${d.agency.code}/${NO_SERVICE}` };
  };
  return {
    model,
    answer: (id, text) => decide(id, text).answer,
    details: (text) => {
      const { answer, service } = decide('', text);
      return { ...answer, service };
    },
  };
}

export interface Evaluation {
  model: string;
  heads: HeadReport[];
  /** Of the truly urgent messages, the share marked urgent. */
  urgentRecall?: number;
}

/** Runs every example through the predictor and scores each question the file has labels for. */
export function evaluatePredictor(
  predictor: Predictor,
  examples: LabelledExample[],
  source: string,
): Evaluation {
  const { model } = predictor;
  const questions: {
    head: string;
    answerField: string;
    expected: (e: LabelledExample) => string | undefined;
    lenient?: boolean;
  }[] =
    model.info.kind === 'custom'
      ? [{ head: 'label', answerField: 'label', expected: (e) => e.label ?? e.agency }]
      : [
          { head: 'agency', answerField: 'agency', expected: (e) => e.agency ?? e.label?.toUpperCase() },
          { head: 'type', answerField: 'type', expected: (e) => e.type },
          {
            head: 'urgent',
            answerField: 'urgent',
            expected: (e) => (e.urgent === undefined ? undefined : String(e.urgent)),
          },
          { head: 'language', answerField: 'language', expected: (e) => e.language },
          // Scored on the messages labelled with a service; "none" when triage leaves it open. A
          // service the model never saw counts as a miss, not an error: it is a detail of the
          // corpus (a rare service), not a mistake in the file.
          { head: 'service', answerField: 'service', expected: (e) => e.service, lenient: true },
        ];
  const answers = examples.map((e) => predictor.details(e.text));
  const heads: HeadReport[] = [];
  for (const q of questions) {
    const labels = model.info.heads.find((h) => h.name === q.head)?.labels;
    if (!labels) continue;
    const pairs: { expected: string; predicted: string }[] = [];
    examples.forEach((e, i) => {
      const expected = q.expected(e);
      if (expected === undefined) return;
      if (!labels.includes(expected) && !q.lenient) {
        throw new LineError(
          source,
          e.line,
          `unknown ${q.head} "${expected}"; the model knows ${labels.join(', ')}`,
        );
      }
      pairs.push({ expected, predicted: String(answers[i]?.[q.answerField]) });
    });
    if (pairs.length > 0) heads.push(evaluatePredictions(q.head, labels, pairs));
  }
  if (heads.length === 0) {
    throw new AppError(
      'invalid_input',
      `${source} has no labels this model answers (${model.info.heads.map((h) => h.name).join(', ')})`,
    );
  }
  const urgent = heads.find((h) => h.head === 'urgent')?.classes.find((c) => c.label === 'true');
  return urgent
    ? { model: model.info.version, heads, urgentRecall: urgent.recall }
    : { model: model.info.version, heads };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
