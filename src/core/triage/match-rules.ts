import type { CaseType, Channel, Priority } from '../../db/schema.ts';
import { tokenise } from './text-features.ts';

/*
 * Administrators' triage rules. Rules are tried in order; every rule whose conditions all hold
 * contributes the decisions it makes that no earlier rule has made. So the first rule to set the
 * agency decides the agency, the first to set the priority decides the priority, and so on;
 * what no rule decides, the classifier does.
 */

export interface RuleConditions {
  /** Words or phrases in either language; `*` at the end of a word matches any ending ("hong*"). */
  keywords?: string[];
  /** 'any' (default): one keyword is enough; 'all': every keyword must appear. */
  keywordsMatch?: 'any' | 'all';
  /** Service codes as AGENCY/service, e.g. KRA/paye. */
  services?: string[];
  /** County codes, '01'..'47'. */
  counties?: string[];
  channels?: Channel[];
  types?: CaseType[];
}

export interface RuleActions {
  /** An agency code: onboarded agencies take the case, others make it a referral suggestion. */
  agency?: string;
  queue?: 'main' | 'supervisor';
  priority?: Priority;
  urgent?: boolean;
  /** Sealed handling by the oversight body: the case becomes a corruption report. */
  sealed?: boolean;
  type?: CaseType;
}

export interface TriageRule {
  id: string;
  name: string;
  enabled: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
}

export interface RuleSubject {
  text: string;
  channel?: Channel | undefined;
  /** AGENCY/service, when the citizen chose a service. */
  service?: string | undefined;
  county?: string | undefined;
  type?: CaseType | undefined;
}

export interface RuleOutcome {
  actions: RuleActions;
  /** Which rule decided each action, and the keyword that matched, for the reason shown to staff. */
  decidedBy: Partial<Record<keyof RuleActions, { ruleId: string; ruleName: string; keyword?: string }>>;
  matched: { id: string; name: string; keyword?: string }[];
}

type Pattern = { word: string; prefix: boolean }[];

interface CompiledRule {
  rule: TriageRule;
  patterns: { keyword: string; pattern: Pattern; id: number }[];
}

type IndexedPattern = { id: number; pattern: Pattern };

export class RuleSet {
  private readonly compiled: CompiledRule[];
  /** Patterns by their first word, so a message is scanned once, not once per keyword. */
  private readonly byFirstWord = new Map<string, IndexedPattern[]>();
  /** Patterns whose first word ends in `*`: checked against every word by prefix. */
  private readonly byPrefix: IndexedPattern[] = [];

  constructor(readonly rules: TriageRule[]) {
    let id = 0;
    this.compiled = rules
      .filter((rule) => rule.enabled)
      .map((rule) => ({
        rule,
        patterns: (rule.conditions.keywords ?? [])
          .map((keyword) => ({ keyword, pattern: compileKeyword(keyword), id: id++ }))
          .filter((p) => p.pattern.length > 0),
      }));
    for (const { patterns } of this.compiled) {
      for (const { id: patternId, pattern } of patterns) {
        const first = pattern[0] as Pattern[number];
        if (first.prefix) this.byPrefix.push({ id: patternId, pattern });
        else
          this.byFirstWord.set(first.word, [
            ...(this.byFirstWord.get(first.word) ?? []),
            { id: patternId, pattern },
          ]);
      }
    }
  }

  apply(subject: RuleSubject): RuleOutcome {
    const found = this.findPatterns(tokenise(subject.text));
    const outcome: RuleOutcome = { actions: {}, decidedBy: {}, matched: [] };
    for (const { rule, patterns } of this.compiled) {
      const hit = matchRule(rule, patterns, subject, found);
      if (!hit.matched) continue;
      const keyword = hit.keyword;
      outcome.matched.push(
        keyword ? { id: rule.id, name: rule.name, keyword } : { id: rule.id, name: rule.name },
      );
      for (const key of Object.keys(rule.actions) as (keyof RuleActions)[]) {
        if (rule.actions[key] === undefined || outcome.actions[key] !== undefined) continue;
        (outcome.actions as Record<string, unknown>)[key] = rule.actions[key];
        outcome.decidedBy[key] = keyword
          ? { ruleId: rule.id, ruleName: rule.name, keyword }
          : { ruleId: rule.id, ruleName: rule.name };
      }
    }
    return outcome;
  }

  /** The ids of every keyword pattern that occurs in the words. */
  private findPatterns(words: string[]): Set<number> {
    const found = new Set<number>();
    for (let start = 0; start < words.length; start++) {
      const word = words[start] as string;
      for (const candidate of this.byFirstWord.get(word) ?? []) {
        if (!found.has(candidate.id) && matchesAt(words, start, candidate.pattern)) found.add(candidate.id);
      }
      for (const candidate of this.byPrefix) {
        if (!found.has(candidate.id) && matchesAt(words, start, candidate.pattern)) found.add(candidate.id);
      }
    }
    return found;
  }
}

function matchRule(
  rule: TriageRule,
  patterns: CompiledRule['patterns'],
  subject: RuleSubject,
  found: Set<number>,
): { matched: boolean; keyword?: string } {
  const { conditions } = rule;
  if (conditions.channels?.length && !(subject.channel && conditions.channels.includes(subject.channel)))
    return { matched: false };
  if (conditions.types?.length && !(subject.type && conditions.types.includes(subject.type)))
    return { matched: false };
  if (conditions.counties?.length && !(subject.county && conditions.counties.includes(subject.county)))
    return { matched: false };
  if (conditions.services?.length) {
    const service = subject.service?.toLowerCase();
    if (!service || !conditions.services.some((s) => s.toLowerCase() === service)) return { matched: false };
  }
  if (patterns.length === 0) {
    // A rule must say something about the case; one with no condition at all matches nothing.
    const hasCondition = Boolean(
      conditions.channels?.length ||
        conditions.types?.length ||
        conditions.counties?.length ||
        conditions.services?.length,
    );
    return { matched: hasCondition };
  }
  const present = patterns.filter((p) => found.has(p.id));
  const matched =
    conditions.keywordsMatch === 'all' ? present.length === patterns.length : present.length > 0;
  return matched ? { matched, keyword: (present[0] as { keyword: string }).keyword } : { matched: false };
}

export function compileKeyword(keyword: string): Pattern {
  return keyword
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((part) => {
      const prefix = part.endsWith('*');
      const words = tokenise(prefix ? part.slice(0, -1) : part);
      return words.map((word, i) => ({ word, prefix: prefix && i === words.length - 1 }));
    });
}

function matchesAt(words: string[], start: number, pattern: Pattern): boolean {
  if (start + pattern.length > words.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const { word, prefix } = pattern[i] as Pattern[number];
    const candidate = words[start + i] as string;
    if (prefix ? !candidate.startsWith(word) : candidate !== word) return false;
  }
  return true;
}
