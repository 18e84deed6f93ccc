import type { Language } from '../../db/schema.ts';

/*
 * What an SMS to the shortcode asks for. Keywords work in English and Kiswahili, in any case, with
 * punctuation around them ignored ("Stop.", "msaada?"). A keyword is only a keyword where a
 * sentence could not be meant:
 * - HELP/MSAADA, STOP/SITISHA and START/ANZA only as the whole message: "Stop the bribes at the
 *   weighbridge" is a complaint, not an opt-out;
 * - STATUS/HALI only followed by nothing or by what looks like a reference (digits, spaces,
 *   dashes): "Hali ya barabara ni mbaya" ("the state of the road is bad") is a report;
 * - INFO/TAARIFA/MAELEZO only followed by nothing or a few words to search for (at most
 *   INFO_WORDS): "Taarifa kuhusu wizi wa mafuta katika kituo" ("a report about fuel theft at the
 *   station") is a report;
 * - NO/HAPANA only followed by a whole case reference: the automatic answer on it did not help
 *   (core/knowledge/auto-answer.ts); "No water for three days" is a report;
 * - a message that is a case reference and nothing else asks for that case's status.
 * Everything else is the citizen's own words: a report, or the answer to a question on their case.
 */

export type SmsCommand =
  | { kind: 'status'; reference: string; language: Language | undefined }
  | { kind: 'help'; language: Language | undefined }
  | { kind: 'stop'; language: Language | undefined }
  | { kind: 'start'; language: Language | undefined }
  /** `words`: what to search the knowledge base for; '' for the list of common questions. */
  | { kind: 'info'; words: string; language: Language | undefined }
  /** NO/HAPANA and a reference: the automatic answer on that case did not help. */
  | { kind: 'not_helped'; reference: string; language: Language | undefined }
  | { kind: 'text'; text: string };

type KeywordKind = 'status' | 'help' | 'stop' | 'start' | 'info' | 'not_helped';

const KEYWORDS: Record<string, { kind: KeywordKind; language: Language }> = {
  STATUS: { kind: 'status', language: 'en' },
  HALI: { kind: 'status', language: 'sw' },
  HELP: { kind: 'help', language: 'en' },
  MSAADA: { kind: 'help', language: 'sw' },
  STOP: { kind: 'stop', language: 'en' },
  SITISHA: { kind: 'stop', language: 'sw' },
  START: { kind: 'start', language: 'en' },
  ANZA: { kind: 'start', language: 'sw' },
  INFO: { kind: 'info', language: 'en' },
  TAARIFA: { kind: 'info', language: 'sw' },
  MAELEZO: { kind: 'info', language: 'sw' },
  NO: { kind: 'not_helped', language: 'en' },
  HAPANA: { kind: 'not_helped', language: 'sw' },
};

/** The keywords a citizen may send, for the help text and the docs. */
export const SMS_KEYWORDS = Object.keys(KEYWORDS);

export const INFO_WORDS = 4;
const INFO_LENGTH = 40;
const REFERENCE_LIKE = /^[\d\s.-]+$/;
/** 11 digits, however grouped: a reference on its own. */
const BARE_REFERENCE = /^(?:\d[\s.-]*){11}$/;
const PUNCTUATION = /^[\s.,;:!?#*"'()-]+|[\s.,;:!?#*"'()-]+$/g;

export function readSms(text: string): SmsCommand {
  const message = text.replace(/\s+/g, ' ').trim();
  const match = /^([A-Za-z]+)(.*)$/s.exec(message.replace(PUNCTUATION, ''));
  const keyword = match ? KEYWORDS[(match[1] ?? '').toUpperCase()] : undefined;
  if (match && keyword) {
    const rest = (match[2] ?? '').replace(PUNCTUATION, '');
    const { kind, language } = keyword;
    switch (kind) {
      case 'help':
      case 'stop':
      case 'start':
        if (rest === '') return { kind, language };
        break;
      case 'status':
        if (rest === '' || REFERENCE_LIKE.test(rest)) return { kind, reference: rest, language };
        break;
      case 'not_helped':
        if (BARE_REFERENCE.test(rest)) return { kind, reference: rest, language };
        break;
      case 'info':
        if (rest.length <= INFO_LENGTH && wordCount(rest) <= INFO_WORDS) {
          return { kind, words: rest, language };
        }
        break;
    }
  }
  const bare = message.replace(PUNCTUATION, '');
  if (BARE_REFERENCE.test(bare)) return { kind: 'status', reference: bare, language: undefined };
  // The citizen's own words as they wrote them, line breaks and all.
  return { kind: 'text', text: text.trim() };
}

const wordCount = (text: string) => (text === '' ? 0 : text.split(' ').length);
