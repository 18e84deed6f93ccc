import type { Language } from '../../db/schema.ts';

/*
 * What the phone channels need from the knowledge base, which will implement it when it comes: the
 * USSD menu's "Information" lists the topics, and an SMS "INFO <topic>" (TAARIFA) names one. One
 * seam for both (channels/ussd/information-source.ts re-exports it).
 *
 * Answers are read on a phone: titles short, an answer at most 182 characters (one USSD screen,
 * a little over one SMS) in plain GSM-7 text, or it is cut.
 */

export interface Topic {
  id: string;
  title: string;
}

export interface InformationSource {
  /** The topics to offer, most useful first; none while there are no answers yet. */
  topics(language: Language): Promise<Topic[]>;
  /** The answer to one topic, or undefined when there is none (any more). */
  answer(topicId: string, language: Language): Promise<string | undefined>;
}

/** Until the knowledge base exists: no topics, so the channels say that answers are coming. */
export const informationComingSoon: InformationSource = {
  topics: async () => [],
  answer: async () => undefined,
};

/**
 * The topic a citizen named in a few words ("INFO passport"): the one whose id or title is those
 * words, else the first whose title contains them. Case, accents and punctuation do not matter.
 */
export function findTopic(topics: readonly Topic[], words: string): Topic | undefined {
  const wanted = plain(words);
  if (wanted === '') return undefined;
  return (
    topics.find((topic) => plain(topic.id) === wanted || plain(topic.title) === wanted) ??
    topics.find((topic) => plain(topic.title).includes(wanted))
  );
}

const plain = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
