import { notFound } from '../../core/errors.ts';
import { countView, readPublishedArticle, recordVerdict } from '../../core/knowledge/read-article.ts';
import { searchArticles } from '../../core/knowledge/search-articles.ts';
import { first } from '../../web/portal/feedback-flow.ts';
import { renderArticle, renderHelpSearch, renderVerdict } from '../../web/portal/help-pages.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalContext, portalLanguage, readForm, sendPage } from '../portal-support.ts';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const text = (value: unknown, max: number) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;

/** The knowledge base on the portal: /help (search), /help/{slug} (an article) and its verdict. */
export function portalHelpRoutes(app: App, deps: AppDeps): void {
  // The information page's first address, kept for links and bookmarks.
  app.get('/info', { schema: { hide: true } }, async (request, reply) => {
    const q = text((request.query as Record<string, unknown>).q, 200);
    return reply.redirect(q ? `/help?${new URLSearchParams({ q }).toString()}` : '/help', 301);
  });

  app.get(
    '/help',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.track } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const query = request.query as Record<string, unknown>;
      const q = text(query.q, 200);
      const agency = text(query.agency, 64);
      const service = agency ? text(query.service, 128) : undefined;
      const result = q
        ? await searchArticles(deps.db, q, { language, agencyId: agency, serviceId: service, limit: 20 })
        : undefined;
      const top = q ? [] : await topArticles(deps, language);
      return sendPage(
        request,
        reply,
        renderHelpSearch(portalContext(deps, request, language), { query: q, agency, service, result, top }),
      );
    },
  );

  app.get<{ Params: { slug: string } }>('/help/:slug', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const slug = request.params.slug;
    if (!SLUG.test(slug)) throw notFound('The article');
    const article = await readPublishedArticle(deps.db, slug, language);
    await countView(deps.db, article.id).catch(() => undefined);
    const from =
      text((request.query as Record<string, unknown>).from, 20) === 'report' ? 'report' : undefined;
    return sendPage(request, reply, renderArticle(portalContext(deps, request, language), article, from));
  });

  app.post<{ Params: { slug: string } }>(
    '/help/:slug/verdict',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.track } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const form = await readForm(request);
      const choice = first(form.body.verdict);
      const verdict = choice === 'yes' || choice === 'no' || choice === 'stopped' ? choice : 'yes';
      const article = await readPublishedArticle(deps.db, request.params.slug, language);
      const stopped = verdict === 'stopped' || (verdict === 'yes' && first(form.body.from) === 'report');
      await recordVerdict(deps.db, article.id, {
        kind: verdict === 'no' ? 'not_helpful' : stopped ? 'stopped_report' : 'helpful',
        channel: 'web',
        language,
        query: first(form.body.q),
        now: deps.now(),
      });
      return sendPage(
        request,
        reply,
        renderVerdict(
          portalContext(deps, request, language),
          article,
          stopped ? 'stopped' : verdict === 'no' ? 'no' : 'yes',
        ),
      );
    },
  );
}

async function topArticles(deps: AppDeps, language: 'en' | 'sw') {
  const rows = await deps.db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
    )
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .select([
      'a.id',
      'a.slug',
      'a.agencyId',
      'ag.name as agencyName',
      'a.serviceId',
      't.title',
      't.summary',
      't.sms',
      't.ussd',
    ])
    .where('a.status', '=', 'published')
    .where('a.position', '<=', 2)
    .orderBy('ag.name')
    .orderBy('a.position')
    .limit(20)
    .execute();
  return rows.map((row) => ({ ...row, serviceName: null, score: 0 }));
}
