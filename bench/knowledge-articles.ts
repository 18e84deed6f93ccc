import { FAMILY_NAMES, GIVEN_NAMES } from '../src/core/demo/demo-messages.ts';
import { Random } from '../src/core/demo/demo-random.ts';
import { putLive, reviewDate } from '../src/core/knowledge/manage-articles.ts';
import { writePublishedTexts } from '../src/core/knowledge/publish-text.ts';
import type { SeedArticle } from '../src/core/knowledge/seed-articles.ts';
import type { Db } from '../src/db/open-database.ts';
import type { ArticleContent, ArticleText } from '../src/db/schema.ts';

/*
 * The knowledge section's articles beyond the 100 shipped ones: variants of them, as a national
 * knowledge base of 10,000 articles would hold many articles on the same few tasks. Article i is
 * shipped article i mod 100, moved to a service drawn from the whole eCitizen catalogue (5,553
 * services of 289 agencies): the shipped agency's names become the new agency's, a paragraph on
 * the service is added (its name, offices in places named for it, a form code, a fee, a contact
 * officer), some words are swapped for synonyms, and the slug and title are numbered. The places
 * are drawn log-uniformly from 50,000 made-up names, so the vocabulary keeps growing with the
 * number of articles as a real one does (a few names are everywhere, most are rare).
 *
 * They are written in batches with core's own writer of published texts (writePublishedTexts) and
 * counted into the vocabulary by core's recountWords, so texts, search vectors and word counts are
 * exactly what publishing makes (publishArticles).
 */

const SEED = 8;
const PLACES = 50_000;
const SYLLABLES = `ka ki ku ma mu mi na ni nya o lo ru ri ta ti wa ya ge bu ngo mbi chi sha le ke so
  to e kwa ndu tha ri ga mo nje ti lu se ba vi`.split(/\s+/);

const SWAPS: Record<'en' | 'sw', [RegExp, string][]> = {
  en: [
    [/\boffice\b/g, 'branch'],
    [/\bfee\b/g, 'charge'],
    [/\bapply\b/g, 'register'],
    [/\bcheck\b/g, 'confirm'],
    [/\bsend\b/g, 'submit'],
    [/\bget\b/g, 'obtain'],
    [/\bphone\b/g, 'mobile'],
    [/\bquickly\b/g, 'promptly'],
    [/\bemail\b/g, 'e-mail'],
    [/\bvisit\b/g, 'go to'],
  ],
  sw: [
    [/\bofisi\b/g, 'afisi'],
    [/\bada\b/g, 'malipo'],
    [/\bsimu\b/g, 'rununu'],
    [/\bharaka\b/g, 'upesi'],
    [/\bbarua pepe\b/g, 'imeili'],
    [/\bpata\b/g, 'pokea'],
  ],
};

export interface CatalogueService {
  serviceId: string;
  serviceName: string;
  serviceNameSw: string | null;
  agencyId: string;
  agencyName: string;
  agencyNameSw: string | null;
  agencyShort: string | null;
}

export interface ArticleSource {
  shipped: SeedArticle[];
  /** The shipped articles' agencies by code: their names, to be replaced by the new agency's. */
  agencies: Map<string, { name: string; nameSw: string | null; short: string | null }>;
  services: CatalogueService[];
  counties: string[];
}

export interface DraftArticle {
  id: string;
  slug: string;
  agencyId: string;
  serviceId: string;
  content: ArticleContent;
}

/** Generated article number i (from 0), the same whenever it is drawn. */
export function draftArticle(source: ArticleSource, i: number): DraftArticle {
  const r = new Random(SEED, i, 0x4b4e4f57);
  const base = source.shipped[i % source.shipped.length] as SeedArticle;
  const service = r.pick(source.services);
  const from = source.agencies.get(base.agencyCode);
  const short = service.agencyShort ?? acronym(service.agencyName);
  const places = [place(r), place(r), place(r)];
  const county = r.pick(source.counties);
  const form = `${String.fromCharCode(65 + r.int(26))}${1 + r.int(60)}`;
  const fee = (1 + r.int(40)) * 250;
  const days = 3 + r.int(40);
  const officer = `${r.pick(GIVEN_NAMES)} ${r.pick(FAMILY_NAMES)}`;
  const number = Math.floor(i / source.shipped.length) + 1;
  const swaps = { en: SWAPS.en.filter(() => r.chance(0.5)), sw: SWAPS.sw.filter(() => r.chance(0.5)) };

  const rewrite = (language: 'en' | 'sw', text: string) => {
    let out = text;
    if (from) {
      const name = language === 'sw' ? (from.nameSw ?? from.name) : from.name;
      const target = language === 'sw' ? (service.agencyNameSw ?? service.agencyName) : service.agencyName;
      out = out.replaceAll(name, target).replaceAll(from.name, service.agencyName);
      for (const word of [base.agencyCode, from.short]) {
        if (word) out = out.replace(new RegExp(`\\b${escapeRegExp(word)}\\b`, 'g'), short);
      }
    }
    for (const [pattern, replacement] of swaps[language]) out = out.replace(pattern, replacement);
    return out;
  };
  const serviceSw = service.serviceNameSw ?? service.serviceName;
  const paragraph = {
    en:
      `## ${service.serviceName}\n` +
      `This also applies to **${service.serviceName}** at ${service.agencyName} (${short}). ` +
      `Offices: ${places[0]}, ${places[1]} and ${places[2]} in ${county} County. Quote form ${short} ${form} ` +
      `and the reference you were given. The fee is KSh ${fee.toLocaleString('en')}; it takes about ${days} working days. ` +
      `Contact officer: ${officer}.`,
    sw:
      `## ${serviceSw}\n` +
      `Haya yanahusu pia **${serviceSw}** katika ${service.agencyNameSw ?? service.agencyName} (${short}). ` +
      `Ofisi: ${places[0]}, ${places[1]} na ${places[2]} katika Kaunti ya ${county}. Taja fomu ${short} ${form} ` +
      `na nambari ya kumbukumbu uliyopewa. Ada ni KSh ${fee.toLocaleString('en')}; huchukua takriban siku ${days} za kazi. ` +
      `Afisa wa mawasiliano: ${officer}.`,
  };
  const text = (language: 'en' | 'sw'): ArticleText => {
    const shipped = base.content[language];
    const serviceName = language === 'sw' ? serviceSw : service.serviceName;
    return {
      title: `${rewrite(language, shipped.title)} (${serviceName}, ${number})`.slice(0, 140),
      summary: rewrite(language, shipped.summary),
      body: `${rewrite(language, shipped.body)}\n\n${paragraph[language]}`,
      sms: rewrite(language, shipped.sms),
      ussd: shipped.ussd.map((screen) => rewrite(language, screen)),
      keywords: [...shipped.keywords.map((k) => rewrite(language, k)), serviceName.toLowerCase()].slice(0, 8),
    };
  };
  return {
    id: r.uuid(),
    slug: `${base.slug}-v${number}-${i}`,
    agencyId: service.agencyId,
    serviceId: service.serviceId,
    content: { en: text('en'), sw: text('sw') },
  };
}

/** Made-up place name number k, drawn log-uniformly: name 1 as often as names 10 to 100 together. */
function place(r: Random): string {
  const k = Math.floor(Math.exp(r.float() * Math.log(PLACES)));
  let name = '';
  for (let rest = k + SYLLABLES.length; rest > 0; rest = Math.floor(rest / SYLLABLES.length)) {
    name += SYLLABLES[rest % SYLLABLES.length];
  }
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "Kenya Ports Authority" -> "KPA"; "Agriculture And Food Authority (AFA)" -> "AFA". */
function acronym(name: string): string {
  const given = /\(([A-Z][A-Za-z-]{1,12})\)/.exec(name)?.[1];
  if (given) return given;
  return name
    .split(/\s+/)
    .filter((word) => /^[A-Z]/.test(word) && !['And', 'Of', 'The', 'For'].includes(word))
    .map((word) => word.charAt(0))
    .join('');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Publishes a batch of drafts in one transaction: the articles and their first versions written
 * as published, and their texts through core's writePublishedTexts, which makes the search vectors
 * and word lists exactly as publishing does. The vocabulary is left to one recountWords() after the
 * last batch: putLive recounts the words of every batch it publishes over all published texts, and
 * that grows with the knowledge base (publishOne times it).
 */
export async function publishArticles(db: Db, drafts: DraftArticle[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('knowledgeArticles')
      .values(
        drafts.map((d) => ({
          id: d.id,
          slug: d.slug,
          agencyId: d.agencyId,
          serviceId: d.serviceId,
          status: 'published' as const,
          publishedVersion: 1,
          publishedAt: now,
          reviewBy: reviewDate(now),
          source: 'bench/knowledge-articles.ts',
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute();
    await trx
      .insertInto('knowledgeVersions')
      .values(
        drafts.map((d) => ({
          articleId: d.id,
          version: 1,
          state: 'published' as const,
          content: JSON.stringify(d.content),
          writtenAt: now,
          reviewedAt: now,
          note: 'Generated by npm run bench',
        })),
      )
      .execute();
    await writePublishedTexts(
      trx,
      drafts.map((d) => ({ articleId: d.id, content: d.content })),
    );
  });
}

/**
 * One more article published the way an agency's reviewer publishes one (a version in review, then
 * putLive, as publishArticle does after its checks), to time it against the knowledge base there is.
 */
export async function publishOne(db: Db, draft: DraftArticle, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('knowledgeArticles')
      .values({
        id: draft.id,
        slug: draft.slug,
        agencyId: draft.agencyId,
        serviceId: draft.serviceId,
        status: 'draft',
        reviewBy: reviewDate(now),
        source: 'bench/knowledge-articles.ts',
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await trx
      .insertInto('knowledgeVersions')
      .values({
        articleId: draft.id,
        version: 1,
        state: 'in_review',
        content: JSON.stringify(draft.content),
        writtenAt: now,
      })
      .execute();
    await putLive(
      trx,
      [{ articleId: draft.id, version: 1, content: draft.content, reviewBy: reviewDate(now) }],
      {
        reviewedBy: null,
        now,
      },
    );
  });
}
