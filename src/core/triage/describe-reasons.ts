import type { Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import type { Reason } from './decide-triage.ts';

/** A triage decision's reasons as sentences in the reader's language. */
export function describeReasons(reasons: readonly Reason[], language: Language): string[] {
  const t = translator(language);
  return reasons.map(({ key, values }) => {
    if (key === 'rule') {
      const decided = t(`triage.decided.${values.decided}`);
      const sentence = t(values.keyword ? 'triage.rule_keyword' : 'triage.rule', { ...values, decided });
      return sentence.charAt(0).toUpperCase() + sentence.slice(1);
    }
    const withWords = (key === 'model_agency' || key === 'model_urgent') && values.words;
    return t(`triage.${key}${withWords ? '_words' : ''}`, values);
  });
}
