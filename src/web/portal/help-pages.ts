import type { PublishedArticle } from '../../core/knowledge/read-article.ts';
import { renderArticleBody } from '../../core/knowledge/render-article.ts';
import type { ArticleHit, ArticleSearch } from '../../core/knowledge/search-articles.ts';
import { html, raw } from '../html.ts';
import { type PortalContext, portalPage, textField, tr } from './layout.ts';

/*
 * Self-service on the portal (issue 8): search the knowledge base (with facets by office and
 * service), read an article, and say whether it answered the question.
 */

export interface HelpSearchView {
  query: string | undefined;
  agency: string | undefined;
  service: string | undefined;
  result: ArticleSearch | undefined;
  /** The top questions, when nothing was searched for. */
  top: ArticleHit[];
}

export function renderHelpSearch(ctx: PortalContext, view: HelpSearchView): string {
  const t = tr(ctx.language);
  const { query, result } = view;
  const searchForm = html`<form method="get" action="/help" role="search">
${textField(ctx.language, { name: 'q', label: t('home.search'), value: query, type: 'search', maxlength: 200 })}
${view.agency ? html`<input type="hidden" name="agency" value="${view.agency}">` : ''}
<button class="btn">${t('home.search_button')}</button>
</form>`;
  const link = (params: Record<string, string | undefined>) =>
    `/help?${new URLSearchParams(Object.entries({ q: query, ...params }).filter((e): e is [string, string] => !!e[1])).toString()}`;
  let results = html``;
  if (result && query) {
    const facets =
      result.facets.agencies.length > 1 || view.agency
        ? html`<nav aria-label="${t('help.filter')}" class="facets"><h2>${t('help.filter')}</h2>
<ul>${view.agency ? html`<li><a href="${link({})}">${t('help.all_offices')}</a></li>` : ''}
${result.facets.agencies.map((f) => html`<li>${f.id === view.agency ? html`<span aria-current="true">${f.name} (${f.count})</span>` : html`<a href="${link({ agency: f.id })}">${f.name} (${f.count})</a>`}</li>`)}</ul>
${
  view.agency && result.facets.services.length > 1
    ? html`<ul>${result.facets.services.map((f) => html`<li>${f.id === view.service ? html`<span aria-current="true">${f.name} (${f.count})</span>` : html`<a href="${link({ agency: view.agency, service: f.id })}">${f.name} (${f.count})</a>`}</li>`)}</ul>`
    : ''
}</nav>`
        : html``;
    results =
      result.hits.length === 0
        ? html`<p role="status">${t('help.none', { query })}</p>`
        : html`<p role="status">${t('help.found', { count: result.total, query })}</p>${facets}${hitList(result.hits)}`;
  }
  const top = !query && view.top.length > 0 ? html`<h2>${t('help.top')}</h2>${hitList(view.top)}` : html``;
  const body = html`<h1>${t('info.title')}</h1>
${searchForm}
${results}
${top}
<h2>${t('help.ask_title')}</h2>
<p>${t('help.ask_body')}</p>
<p><a class="btn sec" href="/feedback?kind=inquiry">${t('info.ask')}</a></p>`;
  return portalPage(ctx, { title: query ? `${t('info.title')}: ${query}` : t('info.title'), body });
}

function hitList(hits: ArticleHit[]) {
  return html`<ul class="articles">${hits.map(
    (hit) =>
      html`<li><a href="/help/${hit.slug}">${hit.title}</a><p>${hit.summary}</p><p class="meta">${hit.agencyName}${hit.serviceName ? ` · ${hit.serviceName}` : ''}</p></li>`,
  )}</ul>`;
}

export function renderArticle(
  ctx: PortalContext,
  article: PublishedArticle,
  from: string | undefined,
): string {
  const t = tr(ctx.language);
  const updated = article.publishedAt ? article.publishedAt.toISOString().slice(0, 10) : '';
  const body = html`<p class="meta"><a href="/help">${t('info.title')}</a> › ${article.agencyName}${article.serviceName ? ` › ${article.serviceName}` : ''}</p>
<h1>${article.title}</h1>
<p class="lead">${article.summary}</p>
<div class="article">${raw(renderArticleBody(article.body))}</div>
<p class="meta">${t('help.updated', { date: updated })}</p>
<section aria-labelledby="verdict-h" class="verdict">
<h2 id="verdict-h">${t('help.verdict')}</h2>
<form method="post" action="/help/${article.slug}/verdict">
${from ? html`<input type="hidden" name="from" value="${from}">` : ''}
<button class="btn" name="verdict" value="yes">${t('help.yes')}</button>
<button class="btn sec" name="verdict" value="no">${t('help.no')}</button>
</form>
</section>
${article.related.length > 0 ? html`<h2>${t('help.related')}</h2><ul>${article.related.map((r) => html`<li><a href="/help/${r.slug}">${r.title}</a></li>`)}</ul>` : ''}`;
  return portalPage(ctx, { title: article.title, body });
}

/** After a verdict: thanks, and for "no" (or a stopped report) the way to ask a person. */
export function renderVerdict(
  ctx: PortalContext,
  article: PublishedArticle,
  verdict: 'yes' | 'no' | 'stopped',
): string {
  const t = tr(ctx.language);
  const body =
    verdict === 'no'
      ? html`<h1>${t('help.sorry_title')}</h1><p>${t('help.sorry_body')}</p>
<p><a class="btn" href="/feedback?kind=inquiry">${t('info.ask')}</a></p>
<p><a href="/help">${t('help.search_again')}</a></p>`
      : html`<h1>${t('help.glad_title')}</h1><p>${t(verdict === 'stopped' ? 'help.stopped_body' : 'help.glad_body')}</p>
<p><a href="/help/${article.slug}">${article.title}</a></p>
<p><a href="/feedback">${t('help.still_send')}</a></p>`;
  return portalPage(ctx, { title: verdict === 'no' ? t('help.sorry_title') : t('help.glad_title'), body });
}

/** While a citizen describes a problem: articles that may answer it, each with "stop here". */
export function suggestedAnswers(language: PortalContext['language'], hits: ArticleHit[], text: string) {
  if (hits.length === 0) return html``;
  const t = tr(language);
  return html`<aside class="answers" aria-labelledby="answers-h">
<h2 id="answers-h">${t('help.suggest_title')}</h2>
<p>${t('help.suggest_body')}</p>
<ul class="articles">${hits.map(
    (
      hit,
    ) => html`<li><a href="/help/${hit.slug}?from=report" target="_blank" rel="noopener">${hit.title}<span class="visually-hidden"> ${t('help.new_tab')}</span></a><p>${hit.summary}</p>
<form method="post" action="/help/${hit.slug}/verdict"><input type="hidden" name="verdict" value="stopped"><input type="hidden" name="q" value="${text.slice(0, 200)}"><button class="btn sec">${t('help.answers_me')}</button></form></li>`,
  )}</ul>
</aside>`;
}
