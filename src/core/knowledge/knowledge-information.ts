import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { AgencyKind, AgencyTable, Language } from '../../db/schema.ts';
import type { Answer, InformationOffice, InformationSource, Topic } from './information-source.ts';
import { searchArticles } from './search-articles.ts';

/** How many of an office's top questions the phone channels offer. */
const TOP_QUESTIONS = 20;

/**
 * An office as a caller reads it on a phone: the clearing house's articles are eCitizen's FAQs, so
 * it is "eCitizen" in both languages; in English the short name (KRA, Immigration), in Kiswahili
 * the Kiswahili name, since the short names are English ("Immigration", "Police").
 */
export function officeName(
  agency: Pick<AgencyTable, 'name' | 'nameSw' | 'shortName'> & { kind: AgencyKind },
  language: Language,
): string {
  if (agency.kind === 'clearing_house') return 'eCitizen';
  if (language === 'sw') return agency.nameSw || agency.name;
  return agency.shortName || agency.name;
}

/** The knowledge base as the phone channels read it: published articles only. */
export function knowledgeInformation(deps: { db: Db; now: () => Date }): InformationSource {
  const { db } = deps;
  return {
    async offices(language: Language): Promise<InformationOffice[]> {
      const rows = await db
        .selectFrom('agencies as ag')
        .select(['ag.id', 'ag.name', 'ag.shortName', 'ag.nameSw', 'ag.kind'])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('knowledgeArticles as a')
              .select('a.id')
              .whereRef('a.agencyId', '=', 'ag.id')
              .where('a.status', '=', 'published'),
          ),
        )
        .execute();
      const offices = rows.map((row) => ({ id: row.id, name: officeName(row, language) }));
      // The offices by name in the caller's language; eCitizen's general questions after them.
      const last = new Set(rows.filter((row) => row.kind === 'clearing_house').map((row) => row.id));
      return offices.sort(
        (a, b) =>
          Number(last.has(a.id)) - Number(last.has(b.id)) ||
          a.name.localeCompare(b.name, language, { sensitivity: 'base' }),
      );
    },

    async topics(language: Language, officeId?: string): Promise<Topic[]> {
      return db
        .selectFrom('knowledgeArticles as a')
        .innerJoin('knowledgeTexts as t', (join) =>
          join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
        )
        .select(['a.id', 't.title'])
        .where('a.status', '=', 'published')
        .$if(officeId !== undefined, (q) => q.where('a.agencyId', '=', officeId ?? ''))
        .orderBy('a.position')
        .orderBy('a.helpful', 'desc')
        .orderBy('a.slug')
        .limit(TOP_QUESTIONS)
        .execute();
    },

    async search(words: string, language: Language, limit = 8): Promise<Topic[]> {
      const found = await searchArticles(db, words, { language, limit, facets: false });
      return found.hits.map((hit) => ({ id: hit.id, title: hit.title }));
    },

    async answer(topicId: string, language: Language): Promise<Answer | undefined> {
      if (!/^[0-9a-f-]{36}$/i.test(topicId)) return undefined;
      return db
        .selectFrom('knowledgeArticles as a')
        .innerJoin('knowledgeTexts as t', (join) =>
          join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
        )
        .select(['a.id', 'a.slug', 't.title', 't.sms', 't.ussd'])
        .where('a.id', '=', topicId)
        .where('a.status', '=', 'published')
        .executeTakeFirst();
    },

    async recordRead(topicId, channel, language, words) {
      await db
        .insertInto('selfServiceAnswers')
        .values({
          id: timeOrderedUuid(),
          articleId: topicId,
          channel,
          language,
          kind: 'info',
          query: words?.slice(0, 200) ?? null,
          createdAt: deps.now(),
        })
        .execute();
    },
  };
}
