import type { CaseType, Channel, Priority } from '../../db/schema.ts';
import { CLEARING_HOUSE, OVERSIGHT } from '../agencies/reference-cache.ts';
import type { Prediction } from './linear-model.ts';
import type { RuleSet } from './match-rules.ts';
import type { Model } from './model-file.ts';
import type { TriageLanguage } from './read-examples.ts';
import { readMessage, weightiestWords } from './read-message.ts';

/*
 * Triage of one message: rules first, the classifier for what no rule decides, then routing.
 * Pure: the caller supplies the model, the rules and who is onboarded, so the same function
 * serves a case submission, `baraza triage predict` and the evaluation.
 */

/** The model's label for "none of the agencies it knows": the clearing house decides. */
export const OTHER = 'OTHER';
/** Below this agency confidence a case goes to the clearing house. Administrators can change it. */
export const DEFAULT_CLEARING_THRESHOLD = 0.4;

export interface TriageInput {
  text: string;
  channel?: Channel | undefined;
  /** The type the citizen chose, when they chose one. */
  type?: CaseType | undefined;
  /** The agency the citizen named, when they named one. */
  agencyCode?: string | undefined;
  /** AGENCY/service, when the citizen chose a service. */
  service?: string | undefined;
  county?: string | undefined;
}

export interface TriageContext {
  model: Model;
  rules: RuleSet;
  clearingThreshold: number;
  isOnboarded: (code: string) => boolean;
}

export type Source = 'citizen' | 'rule' | 'model';

export interface TriageDecision {
  /**
   * The agency the message is about: an agency code, or OTHER. `confident` is false when the
   * model chose it below the clearing-house threshold.
   */
  agency: { code: string; confidence: number; source: Source; confident: boolean };
  /** The model's three best agencies, for the clearing house. */
  suggestions: { code: string; confidence: number }[];
  /** Who takes the case, and why. */
  route: {
    code: string;
    queue: 'main' | 'supervisor';
    sealed: boolean;
    why: 'citizen' | 'rule' | 'model' | 'low_confidence' | 'not_onboarded' | 'sealed';
  };
  /** The service the message is about, among the services of the agency it is about, when clear. */
  service: { code: string; confidence: number; source: Source } | null;
  type: { value: CaseType; confidence: number; source: Source };
  urgent: { value: boolean; probability: number; source: Source };
  priority: { value: Priority; source: 'rule' | 'urgency' | 'type' };
  language: { value: TriageLanguage; confidence: number };
  modelVersion: string;
  rules: { id: string; name: string; keyword?: string }[];
  /**
   * Why, for staff: the rule that matched, or the words that weighed most. Stored as message keys
   * with values so each reader sees them in their language (describe-reasons.ts).
   */
  reasons: Reason[];
}

export interface Reason {
  key:
    | 'citizen_agency'
    | 'rule'
    | 'model_agency'
    | 'model_service'
    | 'model_type'
    | 'model_urgent'
    | 'low_confidence'
    | 'no_agency'
    | 'not_onboarded';
  values: Record<string, string | number>;
}

const TYPE_PRIORITY: Record<CaseType, Priority> = {
  corruption_report: 'P2',
  complaint: 'P3',
  concern: 'P3',
  service_request: 'P3',
  inquiry: 'P4',
  suggestion: 'P4',
  compliment: 'P4',
};

export function decideTriage(context: TriageContext, input: TriageInput): TriageDecision {
  const { model } = context;
  const reading = readMessage(model, input.text);
  const outcome = context.rules.apply({
    text: input.text,
    channel: input.channel,
    service: input.service,
    county: input.county,
    type: input.type,
  });
  const { actions, decidedBy } = outcome;
  const reasons: Reason[] = [];
  const ruleReason = (key: keyof typeof decidedBy) => {
    const by = decidedBy[key];
    if (by)
      reasons.push({ key: 'rule', values: { decided: key, rule: by.ruleName, keyword: by.keyword ?? '' } });
  };

  const agencyPrediction = reading.heads.get('agency');
  const suggestions = (agencyPrediction?.ranked ?? [])
    .slice(0, 3)
    .map((r) => ({ code: r.label, confidence: round(r.probability) }));
  let agency: TriageDecision['agency'];
  if (input.agencyCode) {
    agency = { code: input.agencyCode, confidence: 1, source: 'citizen', confident: true };
    reasons.push({ key: 'citizen_agency', values: { agency: input.agencyCode } });
  } else if (actions.agency) {
    agency = { code: actions.agency, confidence: 1, source: 'rule', confident: true };
    ruleReason('agency');
  } else if (agencyPrediction) {
    agency = {
      code: agencyPrediction.label,
      confidence: round(agencyPrediction.confidence),
      source: 'model',
      confident: agencyPrediction.confidence >= context.clearingThreshold,
    };
    const words = weightiestWords(model, 'agency', agencyPrediction.label, input.text);
    reasons.push({
      key: 'model_agency',
      values: {
        agency: agencyPrediction.label,
        confidence: pct(agencyPrediction.confidence),
        words: words.join(', '),
      },
    });
  } else {
    agency = { code: OTHER, confidence: 0, source: 'model', confident: false };
  }

  const service = input.service
    ? { code: input.service, confidence: 1, source: 'citizen' as const }
    : serviceOf(reading.serviceOf(agency.code), agency.code);
  if (service?.source === 'model')
    reasons.push({
      key: 'model_service',
      values: { service: service.code, confidence: pct(service.confidence) },
    });

  const typePrediction = reading.heads.get('type');
  let type: TriageDecision['type'];
  if (actions.type) {
    type = { value: actions.type, confidence: 1, source: 'rule' };
    ruleReason('type');
  } else if (input.type) {
    type = { value: input.type, confidence: 1, source: 'citizen' };
  } else if (typePrediction) {
    type = {
      value: typePrediction.label as CaseType,
      confidence: round(typePrediction.confidence),
      source: 'model',
    };
    reasons.push({
      key: 'model_type',
      values: { type: typePrediction.label, confidence: pct(typePrediction.confidence) },
    });
  } else {
    type = { value: 'complaint', confidence: 0, source: 'model' };
  }

  const urgentProbability = reading.urgentProbability ?? 0;
  let urgent: TriageDecision['urgent'];
  if (actions.urgent !== undefined) {
    urgent = { value: actions.urgent, probability: round(urgentProbability), source: 'rule' };
    ruleReason('urgent');
  } else {
    const value = urgentProbability >= (model.info.urgentThreshold ?? 0.5);
    urgent = { value, probability: round(urgentProbability), source: 'model' };
    if (value) {
      const words = weightiestWords(model, 'urgent', 'true', input.text);
      reasons.push({
        key: 'model_urgent',
        values: { confidence: pct(urgentProbability), words: words.join(', ') },
      });
    }
  }

  let priority: TriageDecision['priority'];
  if (actions.priority && !(urgent.value && actions.priority !== 'P1')) {
    priority = { value: actions.priority, source: 'rule' };
    ruleReason('priority');
  } else if (urgent.value) {
    priority = { value: 'P1', source: 'urgency' };
  } else {
    priority = { value: TYPE_PRIORITY[type.value], source: 'type' };
  }

  const languagePrediction = reading.heads.get('language');
  const language: TriageDecision['language'] = languagePrediction
    ? { value: languagePrediction.label as TriageLanguage, confidence: round(languagePrediction.confidence) }
    : { value: 'en', confidence: 0 };

  const route = routeOf(context, agency, actions, type.value);
  if (route.why === 'low_confidence') {
    reasons.push({
      key: 'low_confidence',
      values: { confidence: pct(agency.confidence), threshold: pct(context.clearingThreshold) },
    });
  } else if (route.why === 'not_onboarded') {
    reasons.push(
      agency.code === OTHER
        ? { key: 'no_agency', values: {} }
        : { key: 'not_onboarded', values: { agency: agency.code } },
    );
  }
  return {
    agency,
    suggestions,
    route,
    service,
    type,
    urgent,
    priority,
    language,
    modelVersion: model.info.version,
    rules: outcome.matched,
    reasons,
  };
}

/** Below this, the service is left for the officer: a wrong service misleads more than none. */
const SERVICE_THRESHOLD = 0.5;
export const NO_SERVICE = 'none';

/**
 * The best service of the given agency: the service head's probabilities among that agency's
 * services only, so an unsure agency does not drag the service down.
 */
function serviceOf(prediction: Prediction | undefined, agencyCode: string): TriageDecision['service'] {
  // AGENCY/none: the corpus marks messages about no particular service, so the head learns to say so.
  if (!prediction || prediction.label === `${agencyCode}/${NO_SERVICE}`) return null;
  return prediction.confidence >= SERVICE_THRESHOLD
    ? { code: prediction.label, confidence: round(prediction.confidence), source: 'model' }
    : null;
}

function routeOf(
  context: TriageContext,
  agency: TriageDecision['agency'],
  actions: { queue?: 'main' | 'supervisor' | undefined; sealed?: boolean | undefined },
  type: CaseType,
): TriageDecision['route'] {
  const queue = actions.queue ?? 'main';
  if (actions.sealed || type === 'corruption_report') {
    return { code: OVERSIGHT, queue, sealed: true, why: actions.sealed ? 'rule' : 'sealed' };
  }
  if (agency.code === OTHER || !context.isOnboarded(agency.code)) {
    return { code: CLEARING_HOUSE, queue, sealed: false, why: 'not_onboarded' };
  }
  if (!agency.confident) {
    return { code: CLEARING_HOUSE, queue, sealed: false, why: 'low_confidence' };
  }
  return { code: agency.code, queue, sealed: false, why: agency.source };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${Math.round(x * 100)}%`;
