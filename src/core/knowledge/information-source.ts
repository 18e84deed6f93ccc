import type { Language } from '../../db/schema.ts';

/*
 * What the phone channels need from the knowledge base (knowledge-information.ts implements it
 * over the published articles): the USSD menu's "Information" (the offices with answers, an
 * office's top questions, a search by words) and an SMS "INFO <words>" (INFO/TAARIFA/MAELEZO).
 * channels/ussd/information-source.ts re-exports it.
 *
 * Answers are read on a phone: titles short, the SMS form one message, the USSD form screens of at
 * most 150 characters of plain GSM-7 text (core/knowledge/article-content.ts checks them).
 */

export interface Topic {
  id: string;
  title: string;
}

export interface InformationOffice {
  id: string;
  name: string;
}

export interface Answer {
  id: string;
  slug: string;
  title: string;
  /** One SMS. */
  sms: string;
  /** One to four USSD screens. */
  ussd: string[];
}

export interface InformationSource {
  /** The offices that have published answers, in the order to offer them. */
  offices(language: Language): Promise<InformationOffice[]>;
  /** An office's top questions (all offices' when `officeId` is undefined), most useful first. */
  topics(language: Language, officeId?: string): Promise<Topic[]>;
  /** The best answers to a citizen's words, best first; none when nothing matches. */
  search(words: string, language: Language, limit?: number): Promise<Topic[]>;
  /** One answer, or undefined when there is none (any more). */
  answer(topicId: string, language: Language): Promise<Answer | undefined>;
  /** Counts a reading by a phone channel as a question answered by self-service. */
  recordRead?(topicId: string, channel: 'ussd' | 'sms', language: Language, words?: string): Promise<void>;
}

/** A knowledge base with no answers yet: the channels say that answers are coming. */
export const informationComingSoon: InformationSource = {
  offices: async () => [],
  topics: async () => [],
  search: async () => [],
  answer: async () => undefined,
};
