import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Insertable, sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import { readSetting, writeSetting } from '../../db/queries/settings.ts';
import type { ArticleContent, KnowledgeArticleTable, KnowledgeVersionTable } from '../../db/schema.ts';
import {
  PILOT_AGENCY_CODES,
  PILOT_CATALOGUE,
  type PilotAgencyCode,
  pilotAgencyId,
  pilotServiceId,
} from '../agencies/pilot-catalogue.ts';
import { contentProblems, tidyContent } from './article-content.ts';
import { type GoingLive, putLive, reviewDate } from './manage-articles.ts';

/*
 * The articles Baraza ships (reference/knowledge/*.json, FORMAT.md there), published on start in
 * every database that does not have them yet, or has an older shipped text of them. An article an
 * agency has edited in Baraza (customised) is left as the agency made it. The files' fingerprint
 * is kept in settings, so an unchanged set costs one read per start.
 */

export const KNOWLEDGE_DIR = path.join(import.meta.dirname, '..', '..', '..', 'reference', 'knowledge');
const VERSION_KEY = 'knowledge_seed_version';
const LOAD_LOCK = 7366212;

export interface SeedArticle {
  slug: string;
  agencyCode: PilotAgencyCode;
  serviceCode: string | null;
  source: string;
  position: number;
  content: ArticleContent;
}

interface SeedFile {
  agency: string;
  articles: { slug: string; service: string | null; source?: string; en: unknown; sw: unknown }[];
}

/** Every shipped article, checked: a file that breaks the format stops the start with the reason. */
export function readSeedArticles(dir = KNOWLEDGE_DIR): SeedArticle[] {
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const articles: SeedArticle[] = [];
  for (const name of files) {
    const file = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as SeedFile;
    const agencyCode = PILOT_AGENCY_CODES.find((code) => code === file.agency);
    if (!agencyCode) throw new Error(`${name}: "${file.agency}" is not a pilot agency's code`);
    const services = new Set(PILOT_CATALOGUE.find((p) => p.code === agencyCode)?.services.map((s) => s.code));
    file.articles.forEach((raw, index) => {
      const where = `${name}: ${raw.slug}`;
      if (raw.service !== null && !services.has(raw.service)) {
        throw new Error(`${where}: "${raw.service}" is not a service of ${agencyCode}`);
      }
      const content = tidyContent({ en: raw.en, sw: raw.sw } as ArticleContent);
      const problems = contentProblems(content);
      if (problems.length > 0) {
        throw new Error(`${where}: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`);
      }
      articles.push({
        slug: raw.slug,
        agencyCode,
        serviceCode: raw.service,
        source: raw.source ?? `reference/knowledge/${name}`,
        position: index + 1,
        content,
      });
    });
  }
  return articles;
}

/** Publishes the shipped articles that are new or changed; returns how many it wrote. */
export async function installShippedArticles(db: Db, now: Date, dir = KNOWLEDGE_DIR): Promise<number> {
  const articles = readSeedArticles(dir);
  const version = createHash('sha256').update(JSON.stringify(articles)).digest('hex').slice(0, 16);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOAD_LOCK})`.execute(trx);
    if ((await readSetting(trx, VERSION_KEY)) === version) return 0;
    const existing = new Map(
      (
        await trx
          .selectFrom('knowledgeArticles as a')
          .leftJoin('knowledgeVersions as v', (join) =>
            join.onRef('v.articleId', '=', 'a.id').onRef('v.version', '=', 'a.publishedVersion'),
          )
          .select(['a.id', 'a.slug', 'a.customised', 'a.publishedVersion', 'v.content'])
          .execute()
      ).map((row) => [row.slug, row]),
    );
    const fresh: Insertable<KnowledgeArticleTable>[] = [];
    const versions: Insertable<KnowledgeVersionTable>[] = [];
    const lives: GoingLive[] = [];
    for (const article of articles) {
      const known = existing.get(article.slug);
      if (known?.customised) continue;
      if (known && JSON.stringify(known.content) === JSON.stringify(article.content)) continue;
      const id = known?.id ?? timeOrderedUuid();
      const next = (known?.publishedVersion ?? 0) + 1;
      if (!known) {
        fresh.push({
          id,
          slug: article.slug,
          agencyId: pilotAgencyId(
            PILOT_CATALOGUE.find((p) => p.code === article.agencyCode) ?? { code: article.agencyCode },
          ),
          serviceId: article.serviceCode ? pilotServiceId(article.agencyCode, article.serviceCode) : null,
          status: 'draft',
          position: article.position,
          reviewBy: reviewDate(now),
          source: article.source,
          createdAt: now,
          updatedAt: now,
        });
      }
      versions.push({
        articleId: id,
        version: next,
        state: 'in_review',
        content: JSON.stringify(article.content),
        writtenAt: now,
        note: `Shipped with Baraza (${article.source})`,
      });
      lives.push({
        articleId: id,
        version: next,
        content: article.content,
        reviewBy: reviewDate(now),
        position: article.position,
      });
    }
    if (fresh.length > 0) await trx.insertInto('knowledgeArticles').values(fresh).execute();
    if (versions.length > 0) await trx.insertInto('knowledgeVersions').values(versions).execute();
    await putLive(trx, lives, { reviewedBy: null, now });
    await writeSetting(trx, VERSION_KEY, version);
    return lives.length;
  });
}
