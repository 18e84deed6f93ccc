import { ARTICLE_LIMITS, LANGUAGES } from '../../core/knowledge/article-content.ts';
import type {
  ArticleList,
  ArticleListing,
  KeptArticle,
  ReviewWaiting,
  VersionListing,
} from '../../core/knowledge/list-articles.ts';
import { ARTICLE_STAGES } from '../../core/knowledge/list-articles.ts';
import { renderArticleBody } from '../../core/knowledge/render-article.ts';
import { smsLength } from '../../core/messages/sms-length.ts';
import type { ArticleContent, ArticleText, Language } from '../../db/schema.ts';
import { type Html, html, raw } from '../html.ts';
import { describedBy, errorFor, type FieldError, fieldId, hasError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatWhen } from './layout.ts';

/*
 * The knowledge base in the console (issue 8): an agency's articles with where each stands, the
 * form that writes both languages of one, and an article's page with its published text, the draft
 * being worked on, its history and what this person may do with it.
 */

const FIELDS = ['title', 'summary', 'body', 'sms', 'keywords'] as const;

export interface KnowledgeListView {
  list: ArticleList;
  stage: string | undefined;
  query: string | undefined;
  page: number;
  /** Today in Nairobi, YYYY-MM-DD: a published article past its review-by date is overdue. */
  today: string;
  /** Versions this person may review; null when they review none. */
  waiting: ReviewWaiting[] | null;
  selfId: string;
  canWrite: boolean;
  /** Every agency's articles (the system administrator): the list names each one's agency. */
  allAgencies: boolean;
  flash?: string | undefined;
}

/** The words for where an article stands: its public state, and what is happening to its next version. */
function standing(t: ReturnType<typeof ct>, a: Pick<ArticleListing, 'status' | 'latestState'>): Html {
  if (a.status === 'retired') return html`<span class="tag">${t('knowledge.stages.retired')}</span>`;
  const next = a.latestState === 'published' || a.latestState === 'superseded' ? null : a.latestState;
  if (a.status === 'published')
    return html`<span class="tag live">${t('knowledge.stages.published')}</span>${next ? html`<br><span class="hint">${t(`knowledge.next.${next}`)}</span>` : ''}`;
  return html`<span class="tag">${t(`knowledge.states.${next ?? 'draft'}`)}</span>`;
}

export function renderKnowledgeList(ctx: ConsoleContext, view: KnowledgeListView): string {
  const t = ct(ctx.language);
  const title = t('knowledge.title');
  const link = (page: number) =>
    `/console/knowledge?${new URLSearchParams(
      Object.entries({ q: view.query, status: view.stage, page: page > 1 ? String(page) : undefined }).filter(
        (e): e is [string, string] => !!e[1],
      ),
    ).toString()}`;
  const waiting = view.waiting
    ? html`<section class="card" aria-labelledby="waiting-title"><h2 id="waiting-title">${t('knowledge.waiting.title')}</h2>
${
  view.waiting.length === 0
    ? html`<p>${t('knowledge.waiting.none')}</p>`
    : html`<ul>${view.waiting.map(
        (w) =>
          html`<li><a href="/console/knowledge/${w.id}">${w.title}</a> · ${t('knowledge.waiting.by', { name: w.writerName ?? t('knowledge.shipped'), when: formatWhen(ctx.language, w.writtenAt) })}${view.allAgencies ? html` · ${w.agencyName}` : ''}${w.writtenBy === view.selfId ? html`<br><span class="hint">${t('knowledge.waiting.yours')}</span>` : ''}</li>`,
      )}</ul>`
}</section>`
    : '';
  const filters = html`<form method="get" action="/console/knowledge" class="filters" role="search" aria-label="${t('knowledge.search.label')}">
<div class="field"><label for="f-q">${t('knowledge.search.words')}</label><input id="f-q" name="q" type="search" maxlength="200" value="${view.query ?? ''}"></div>
<div class="field"><label for="f-status">${t('knowledge.search.status')}</label><select id="f-status" name="status">
<option value="">${t('knowledge.search.any')}</option>
${ARTICLE_STAGES.map((s) => html`<option value="${s}" ${view.stage === s ? html`selected` : ''}>${t(`knowledge.stages.${s}`)}</option>`)}
</select></div>
<button class="btn sec">${t('knowledge.search.button')}</button></form>`;
  const rows = view.list.items.map((a) => {
    const overdue = a.status === 'published' && a.reviewBy < view.today;
    return html`<tr><th scope="row"><a href="/console/knowledge/${a.id}">${a.title}</a>${view.allAgencies ? html`<br><span class="hint">${a.agencyName}</span>` : ''}</th>
<td>${standing(t, a)}</td>
<td>${overdue ? html`<span class="late">${a.reviewBy} · ${t('knowledge.overdue')}</span>` : a.reviewBy}</td>
<td>${a.ownerName ?? t('knowledge.shipped')}</td>
<td class="num">${a.helpful}</td><td class="num">${a.notHelpful}</td><td class="num">${a.views}</td></tr>`;
  });
  const table =
    view.list.items.length === 0
      ? html`<p role="status">${view.query || view.stage ? t('knowledge.none_found') : t('knowledge.none')}</p>`
      : html`<table class="queue knowledge-list"><caption class="visually-hidden">${title}</caption>
<thead><tr><th scope="col">${t('knowledge.columns.title')}</th><th scope="col">${t('knowledge.columns.status')}</th><th scope="col">${t('knowledge.columns.review_by')}</th><th scope="col">${t('knowledge.columns.owner')}</th><th scope="col" class="num">${t('knowledge.columns.helpful')}</th><th scope="col" class="num">${t('knowledge.columns.not_helpful')}</th><th scope="col" class="num">${t('knowledge.columns.views')}</th></tr></thead>
<tbody>${rows}</tbody></table>
${
  view.page > 1 || view.list.more
    ? html`<nav class="pager" aria-label="${t('knowledge.pages')}">${view.page > 1 ? html`<a href="${link(view.page - 1)}">${t('knowledge.previous')}</a>` : ''}${view.list.more ? html`<a href="${link(view.page + 1)}">${t('knowledge.next_page')}</a>` : ''}</nav>`
    : ''
}`;
  const body = html`<h1>${title}</h1>
${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<p>${t('knowledge.intro')}</p>
${view.canWrite ? html`<p><a class="btn" href="/console/knowledge/new">${t('knowledge.new')}</a></p>` : ''}
${waiting}
<h2>${t('knowledge.articles')}</h2>
${filters}
${table}`;
  return consolePage(ctx, { title, body, wide: true });
}

export interface ArticleFormView {
  /** The article being edited; none for a new one. */
  article?: Pick<KeptArticle, 'id' | 'slug' | 'agencyName' | 'serviceName' | 'reviewBy' | 'status'> & {
    state: VersionListing['state'];
  };
  /** The form's fields, by name ("en-title", "sw-ussd-2", "slug", "serviceId"). */
  values: Record<string, string>;
  /** For a new article: the services it may be about (in groups by agency for the system administrator). */
  services: { group: string | null; choices: { value: string; label: string }[] }[];
  /** For the system administrator's new article: which agency's it is. */
  agencies: { value: string; label: string }[] | null;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

/** An article's content as the form's fields. */
export function formValues(content: ArticleContent): Record<string, string> {
  const values: Record<string, string> = {};
  for (const language of LANGUAGES) {
    const text = content[language];
    for (const name of ['title', 'summary', 'body', 'sms'] as const)
      values[`${language}-${name}`] = text[name];
    text.ussd.forEach((screen, i) => {
      values[`${language}-ussd-${i + 1}`] = screen;
    });
    values[`${language}-keywords`] = text.keywords.join(', ');
  }
  return values;
}

/** How long a form is, in the words of its limit: characters, or what one SMS carries. */
function countOf(
  t: ReturnType<typeof ct>,
  kind: 'title' | 'summary' | 'body' | 'sms' | 'ussd',
  value: string,
) {
  const max = kind === 'ussd' ? ARTICLE_LIMITS.ussdScreen : ARTICLE_LIMITS[kind];
  if (kind !== 'sms' && kind !== 'ussd') return t('knowledge.form.count', { n: value.trim().length, max });
  const length = smsLength(value.trim());
  return length.encoding === 'gsm7'
    ? t('knowledge.form.count', { n: length.units, max })
    : t('knowledge.form.not_gsm', { max });
}

/** A labelled field of one language of the article, with its limit and, once written, its length. */
function articleField(
  ctx: ConsoleContext,
  view: ArticleFormView,
  options: {
    name: string;
    label: string;
    hint: string;
    multiline?: number;
    maxlength: number;
    lang: Language;
  },
): Html {
  const { name } = options;
  const errors = view.errors;
  const id = fieldId(name);
  const described = describedBy(errors, name, true);
  const invalid = hasError(errors, name);
  const value = view.values[name] ?? '';
  const common = html`id="${id}" name="${name}" lang="${options.lang}" maxlength="${options.maxlength}" ${described ? html`aria-describedby="${described}"` : ''} ${invalid ? html`aria-invalid="true"` : ''}`;
  return html`<div class="field${invalid ? ' err' : ''}">
<label for="${id}">${options.label}</label>
<span class="hint" id="${id}-hint">${options.hint}</span>
${errorFor(ctx.language, errors, name)}
${options.multiline ? html`<textarea ${common} rows="${options.multiline}">${value}</textarea>` : html`<input type="text" ${common} value="${value}">`}
</div>`;
}

function languageColumn(ctx: ConsoleContext, view: ArticleFormView, language: Language): Html {
  const t = ct(ctx.language);
  const at = (name: string) => `${language}-${name}`;
  const hint = (kind: 'title' | 'summary' | 'body' | 'sms' | 'ussd', name: string, about: string) => {
    const value = view.values[name] ?? '';
    return value.trim() ? `${about} ${countOf(t, kind, value)}` : about;
  };
  const field = (kind: (typeof FIELDS)[number], multiline?: number) =>
    articleField(ctx, view, {
      name: at(kind),
      label: t(`knowledge.form.${kind}`),
      hint:
        kind === 'keywords'
          ? t('knowledge.form.keywords_hint', { max: ARTICLE_LIMITS.keywords })
          : hint(kind, at(kind), t(`knowledge.form.${kind}_hint`, { max: ARTICLE_LIMITS[kind] })),
      ...(multiline ? { multiline } : {}),
      maxlength: kind === 'keywords' ? 400 : ARTICLE_LIMITS[kind] + 200,
      lang: language,
    });
  const screens = Array.from({ length: ARTICLE_LIMITS.ussdScreens }, (_, i) =>
    articleField(ctx, view, {
      name: at(`ussd-${i + 1}`),
      label: t('knowledge.form.ussd_screen', { n: i + 1 }),
      hint: hint(
        'ussd',
        at(`ussd-${i + 1}`),
        t('knowledge.form.ussd_screen_hint', { max: ARTICLE_LIMITS.ussdScreen }),
      ),
      multiline: 3,
      maxlength: ARTICLE_LIMITS.ussdScreen + 100,
      lang: language,
    }),
  );
  const ussd = at('ussd');
  return html`<fieldset class="card language"><legend>${t(`language.${language}`)}</legend>
${field('title')}
${field('summary', 3)}
${field('body', 14)}
${field('sms', 3)}
<fieldset id="${fieldId(ussd)}" class="${hasError(view.errors, ussd) ? 'err' : ''}" aria-describedby="${describedBy(view.errors, ussd, true) || ''}"><legend class="small">${t('knowledge.form.ussd')}</legend>
<span class="hint" id="${fieldId(ussd)}-hint">${t('knowledge.form.ussd_hint', { max: ARTICLE_LIMITS.ussdScreens })}</span>
${errorFor(ctx.language, view.errors, ussd)}
${screens}</fieldset>
${field('keywords')}
</fieldset>`;
}

export function renderArticleForm(ctx: ConsoleContext, view: ArticleFormView): string {
  const t = ct(ctx.language);
  const article = view.article;
  const title = article
    ? t('knowledge.form.edit_title', { slug: article.slug })
    : t('knowledge.form.new_title');
  const errors = view.errors ?? [];
  const service = errorFor(ctx.language, errors, 'serviceId');
  const agency = errorFor(ctx.language, errors, 'agencyId');
  const about = article
    ? html`<dl class="check">
<div><dt>${t('knowledge.about.agency')}</dt><dd>${article.agencyName}</dd></div>
<div><dt>${t('knowledge.about.service')}</dt><dd>${article.serviceName ?? t('knowledge.about.no_service')}</dd></div>
<div><dt>${t('knowledge.about.address')}</dt><dd>/help/${article.slug}</dd></div>
<div><dt>${t('knowledge.about.review_by')}</dt><dd>${article.reviewBy}</dd></div>
</dl>
<p class="hint">${t(article.state === 'draft' ? 'knowledge.form.editing_draft' : 'knowledge.form.editing_new_version')}</p>`
    : html`${
        view.agencies
          ? html`<div class="field${agency ? ' err' : ''}"><label for="f-agencyId">${t('knowledge.about.agency')}</label>${agency}
<select id="f-agencyId" name="agencyId">${view.agencies.map((a) => html`<option value="${a.value}" ${view.values.agencyId === a.value ? html`selected` : ''}>${a.label}</option>`)}</select></div>`
          : ''
      }
<div class="field${service ? ' err' : ''}"><label for="f-serviceId">${t('knowledge.about.service')}</label>
<span class="hint" id="f-serviceId-hint">${t('knowledge.form.service_hint')}</span>${service}
<select id="f-serviceId" name="serviceId" aria-describedby="f-serviceId-hint"><option value="">${t('knowledge.about.no_service')}</option>
${view.services.map((group) => {
  const options = group.choices.map(
    (c) =>
      html`<option value="${c.value}" ${view.values.serviceId === c.value ? html`selected` : ''}>${c.label}</option>`,
  );
  return group.group ? html`<optgroup label="${group.group}">${options}</optgroup>` : options;
})}</select></div>
${textField(ctx.language, { name: 'slug', label: t('knowledge.form.slug'), hint: t('knowledge.form.slug_hint'), value: view.values.slug, maxlength: 80, errors, autocomplete: 'off' })}`;
  const body = html`<p><a href="${article ? `/console/knowledge/${article.id}` : '/console/knowledge'}">${article ? t('knowledge.back_to_article') : t('knowledge.back')}</a></p>
<h1>${title}</h1>
${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<form method="post" action="${article ? `/console/knowledge/${article.id}/edit` : '/console/knowledge'}" novalidate>
<div class="knowledge-meta">${about}</div>
<p class="hint">${t('knowledge.form.markdown_hint')}</p>
<div class="knowledge-columns">${LANGUAGES.map((language) => languageColumn(ctx, view, language))}</div>
<button class="btn">${t('knowledge.form.save')}</button>
<button class="btn sec" name="review" value="1">${t('knowledge.form.save_submit')}</button>
</form>`;
  return consolePage(ctx, { title, body, errors, wide: true });
}

export interface ArticlePageView {
  article: KeptArticle;
  can: { edit: boolean; submit: boolean; publish: boolean; review: boolean; retire: boolean };
  /** This person wrote the version in review and may not publish it themselves. */
  ownVersion: boolean;
  /** The review-by date the publish form offers. */
  nextReviewBy: string;
  today: string;
  values?: Record<string, string> | undefined;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

/** A rendered body's headings moved under the page's own (its h2 is this page's h4). */
const bodyHtml = (body: string) =>
  raw(
    renderArticleBody(body).replace(
      /<(\/?)h([1-6])>/g,
      (_, close: string, n: string) => `<${close}h${Math.min(Number(n) + 2, 6)}>`,
    ),
  );

/** One language of a version: every form a citizen reads it in. */
function textOf(ctx: ConsoleContext, language: Language, text: ArticleText, id: string): Html {
  const t = ct(ctx.language);
  return html`<section class="card language" lang="${language}" aria-labelledby="${id}"><h3 id="${id}" lang="${ctx.language}">${t(`language.${language}`)}</h3>
<p class="lead"><strong>${text.title}</strong></p>
<p>${text.summary}</p>
<div class="article">${bodyHtml(text.body)}</div>
<dl class="channel-forms">
<div><dt lang="${ctx.language}">${t('knowledge.form.sms')}</dt><dd>${text.sms} <span class="hint" lang="${ctx.language}">${countOf(t, 'sms', text.sms)}</span></dd></div>
<div><dt lang="${ctx.language}">${t('knowledge.form.ussd')}</dt><dd><ol>${text.ussd.map((screen) => html`<li>${screen}</li>`)}</ol></dd></div>
<div><dt lang="${ctx.language}">${t('knowledge.form.keywords')}</dt><dd>${text.keywords.join(', ') || '–'}</dd></div>
</dl></section>`;
}

function versionTexts(ctx: ConsoleContext, version: VersionListing, key: string): Html {
  return html`<div class="knowledge-columns">${LANGUAGES.map((language) => textOf(ctx, language, version.content[language], `${key}-${language}`))}</div>`;
}

export function renderArticlePage(ctx: ConsoleContext, view: ArticlePageView): string {
  const t = ct(ctx.language);
  const a = view.article;
  const latest = a.versions[0];
  const published = a.versions.find((v) => v.version === a.publishedVersion && a.status === 'published');
  const working = latest && latest.version !== published?.version ? latest : undefined;
  const title = (latest ?? published)?.content[ctx.language].title ?? a.slug;
  const errors = view.errors ?? [];
  const values = view.values ?? {};
  const overdue = a.status === 'published' && a.reviewBy < view.today;
  const path = `/console/knowledge/${a.id}`;
  const who = (name: string | null) => name ?? t('knowledge.shipped');

  const actions: Html[] = [];
  if (view.can.edit)
    actions.push(html`<p><a class="btn sec" href="${path}/edit">${t('knowledge.actions.edit')}</a></p>`);
  if (view.can.submit)
    actions.push(
      html`<form method="post" action="${path}/submit"><button class="btn">${t('knowledge.actions.submit')}</button></form>`,
    );
  if (view.ownVersion) actions.push(html`<p class="note">${t('knowledge.actions.own_version')}</p>`);
  const publishProblem = errorFor(ctx.language, errors, 'publish');
  if (view.can.publish || publishProblem)
    actions.push(html`<form method="post" action="${path}/publish" id="f-publish" class="${publishProblem ? 'err' : ''}" novalidate>
${publishProblem}
${textField(ctx.language, { name: 'reviewBy', label: t('knowledge.actions.review_by'), hint: t('knowledge.actions.review_by_hint'), type: 'date', value: values.reviewBy ?? view.nextReviewBy, errors })}
<button class="btn">${t('knowledge.actions.publish')}</button></form>`);
  if (view.can.review)
    actions.push(html`<form method="post" action="${path}/return" novalidate>
${textField(ctx.language, { name: 'note', label: t('knowledge.actions.note'), hint: t('knowledge.actions.note_hint'), value: values.note, multiline: true, maxlength: 1000, errors })}
<button class="btn sec">${t('knowledge.actions.return')}</button></form>`);
  if (view.can.retire)
    actions.push(
      html`<form method="post" action="${path}/retire"><p class="hint">${t('knowledge.actions.retire_hint')}</p><button class="btn warn">${t('knowledge.actions.retire')}</button></form>`,
    );
  const problem = errorFor(ctx.language, errors, 'actions');

  const body = html`<p><a href="/console/knowledge">${t('knowledge.back')}</a></p>
<h1>${title}</h1>
${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<div class="columns"><div>
${
  working
    ? html`<h2>${t(working.state === 'in_review' ? 'knowledge.page.in_review' : working.state === 'returned' ? 'knowledge.page.returned' : 'knowledge.page.draft', { version: working.version })}</h2>
<p class="hint">${t('knowledge.page.written', { name: who(working.writerName), when: formatWhen(ctx.language, working.writtenAt) })}</p>
${working.note ? html`<p class="note">${t('knowledge.page.return_note', { name: who(working.reviewerName) })} ${working.note}</p>` : ''}
${versionTexts(ctx, working, 'working')}`
    : ''
}
<h2>${t('knowledge.page.published')}</h2>
${published ? html`<p class="hint">${t('knowledge.page.published_version', { version: published.version, when: formatWhen(ctx.language, a.publishedAt) })} <a href="/help/${a.slug}">/help/${a.slug}</a></p>${versionTexts(ctx, published, 'published')}` : html`<p>${t(a.status === 'retired' ? 'knowledge.page.retired' : 'knowledge.page.not_published')}</p>`}
${history(ctx, a.versions)}
</div><aside aria-label="${t('knowledge.page.about')}">
<section class="card knowledge-actions" aria-labelledby="actions-title" id="f-actions"><h2 id="actions-title">${t('knowledge.actions.title')}</h2>
${problem}
${actions.length > 0 ? actions : html`<p>${t('knowledge.actions.none')}</p>`}
</section>
<section class="card" aria-labelledby="about-title"><h2 id="about-title">${t('knowledge.page.about')}</h2>
<dl class="check">
<div><dt>${t('knowledge.columns.status')}</dt><dd>${standing(t, { status: a.status, latestState: latest?.state ?? 'draft' })}</dd></div>
<div><dt>${t('knowledge.about.agency')}</dt><dd>${a.agencyName}</dd></div>
<div><dt>${t('knowledge.about.service')}</dt><dd>${a.serviceName ?? t('knowledge.about.no_service')}</dd></div>
<div><dt>${t('knowledge.columns.owner')}</dt><dd>${who(a.ownerName)}</dd></div>
<div><dt>${t('knowledge.about.review_by')}</dt><dd>${overdue ? html`<span class="late">${a.reviewBy} · ${t('knowledge.overdue')}</span>` : a.reviewBy}</dd></div>
<div><dt>${t('knowledge.page.readers')}</dt><dd>${t('knowledge.page.counts', { views: a.views, helpful: a.helpful, not: a.notHelpful })}</dd></div>
</dl>
</section></aside></div>`;
  return consolePage(ctx, { title, body, errors, wide: true });
}

function history(ctx: ConsoleContext, versions: VersionListing[]): Html {
  const t = ct(ctx.language);
  return html`<h2>${t('knowledge.history.title')}</h2>
<table class="queue knowledge-list"><caption class="visually-hidden">${t('knowledge.history.title')}</caption>
<thead><tr><th scope="col">${t('knowledge.history.version')}</th><th scope="col">${t('knowledge.history.state')}</th><th scope="col">${t('knowledge.history.written')}</th><th scope="col">${t('knowledge.history.reviewed')}</th><th scope="col">${t('knowledge.history.note')}</th></tr></thead>
<tbody>${versions.map(
    (v) => html`<tr><th scope="row">${v.version}</th><td>${t(`knowledge.states.${v.state}`)}</td>
<td>${v.writerName ?? t('knowledge.shipped')}<br><span class="hint">${formatWhen(ctx.language, v.writtenAt)}</span></td>
<td>${v.reviewedAt ? html`${v.reviewerName ?? t('knowledge.shipped')}<br><span class="hint">${formatWhen(ctx.language, v.reviewedAt)}</span>` : '–'}</td>
<td class="description">${v.note ?? ''}</td></tr>`,
  )}</tbody></table>`;
}
