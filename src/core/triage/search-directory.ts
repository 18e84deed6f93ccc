import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { DirectoryIndex } from './directory-index.ts';

export interface DirectoryHit {
  id: string;
  name: string;
  /** How well the agency's services and description match, when the match was by content. */
  score: number | null;
}

/**
 * Agencies not on Baraza for the referral form: those whose name contains what was typed first
 * (the officer often knows the name), then those whose services match it ("driving licence").
 */
export async function searchDirectory(
  deps: { db: Db; directory: Pick<DirectoryIndex, 'suggest'> },
  text: string,
  limit = 10,
): Promise<DirectoryHit[]> {
  const q = text.trim();
  if (!q) return [];
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const named = await deps.db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('onboarded', '=', false)
    .where('kind', '=', 'agency')
    .where(sql<boolean>`(name ILIKE ${pattern} OR short_name ILIKE ${pattern})`)
    .orderBy('name')
    .limit(limit)
    .execute();
  const hits: DirectoryHit[] = named.map((a) => ({ ...a, score: null }));
  const seen = new Set(hits.map((h) => h.id));
  for (const match of deps.directory.suggest(q, limit)) {
    if (hits.length >= limit) break;
    if (seen.has(match.agencyId) || match.score <= 0) continue;
    seen.add(match.agencyId);
    hits.push({ id: match.agencyId, name: match.name, score: match.score });
  }
  return hits;
}
