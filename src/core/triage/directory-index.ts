import type { Db } from '../../db/open-database.ts';
import { tokenise } from './text-features.ts';

/*
 * Which agency in the directory (those not on Baraza) a message is most likely about, for the
 * clearing house to refer it to: "my driving licence renewal" finds NTSA through its services.
 * Word-level TF-IDF over each agency's name, description and eCitizen service names, scored by
 * cosine similarity. Built once at start from the database (about 300 agencies, 5,500 services).
 */

export interface DirectoryMatch {
  agencyId: string;
  name: string;
  score: number;
}

/** Words that say nothing about which agency: too common in service names to discriminate. */
const IGNORED = new Set(
  'the and for of to in on a an my is are was with by at from or be this that it not no application apply online service services kenya kenyan national state department authority board government public'.split(
    ' ',
  ),
);

export class DirectoryIndex {
  private constructor(
    private readonly agencies: { id: string; name: string; norm: number }[],
    private readonly postings: Map<string, { doc: number; weight: number }[]>,
    private readonly idf: Map<string, number>,
  ) {}

  static async load(db: Db): Promise<DirectoryIndex> {
    const [agencies, services] = await Promise.all([
      db
        .selectFrom('agencies')
        .select(['id', 'name', 'shortName', 'description'])
        .where('onboarded', '=', false)
        .where('kind', '=', 'agency')
        .execute(),
      db.selectFrom('services').select(['agencyId', 'name']).execute(),
    ]);
    const servicesOf = new Map<string, string[]>();
    for (const s of services) servicesOf.set(s.agencyId, [...(servicesOf.get(s.agencyId) ?? []), s.name]);
    return DirectoryIndex.build(
      agencies.map((a) => ({
        id: a.id,
        name: a.name,
        // The name counts three times: it says more about the agency than any one service.
        text: [
          a.name,
          a.name,
          a.name,
          a.shortName ?? '',
          a.description ?? '',
          ...(servicesOf.get(a.id) ?? []),
        ].join(' '),
      })),
    );
  }

  static build(documents: { id: string; name: string; text: string }[]): DirectoryIndex {
    const termCounts = documents.map((d) => countTerms(d.text));
    const documentFrequency = new Map<string, number>();
    for (const counts of termCounts) {
      for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const idf = new Map<string, number>();
    for (const [term, df] of documentFrequency)
      idf.set(term, Math.log((documents.length + 1) / (df + 1)) + 1);
    const postings = new Map<string, { doc: number; weight: number }[]>();
    const agencies = documents.map((d, doc) => {
      let norm = 0;
      for (const [term, count] of termCounts[doc] as Map<string, number>) {
        const weight = (1 + Math.log(count)) * (idf.get(term) as number);
        norm += weight * weight;
        const list = postings.get(term) ?? [];
        list.push({ doc, weight });
        postings.set(term, list);
      }
      return { id: d.id, name: d.name, norm: Math.sqrt(norm) || 1 };
    });
    return new DirectoryIndex(agencies, postings, idf);
  }

  suggest(text: string, count = 3): DirectoryMatch[] {
    const query = countTerms(text);
    const scores = new Map<number, number>();
    let queryNorm = 0;
    for (const [term, n] of query) {
      const idf = this.idf.get(term);
      if (idf === undefined) continue;
      const q = (1 + Math.log(n)) * idf;
      queryNorm += q * q;
      for (const { doc, weight } of this.postings.get(term) ?? [])
        scores.set(doc, (scores.get(doc) ?? 0) + q * weight);
    }
    if (queryNorm === 0) return [];
    const norm = Math.sqrt(queryNorm);
    return [...scores]
      .map(([doc, dot]) => {
        const agency = this.agencies[doc] as { id: string; name: string; norm: number };
        return {
          agencyId: agency.id,
          name: agency.name,
          score: Math.round((dot / (agency.norm * norm)) * 1000) / 1000,
        };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, count);
  }
}

/** Words, crudely stemmed (plural -s dropped) so "licences" finds "licence". */
function countTerms(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of tokenise(text)) {
    if (word.length < 3 || IGNORED.has(word) || /^0+$/.test(word)) continue;
    const term = word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}
