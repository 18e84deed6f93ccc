import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access/principal.ts';
import { AppError, type FieldProblem, forbidden } from '../../core/errors.ts';
import { contentProblems, LANGUAGES, tidyContent } from '../../core/knowledge/article-content.ts';
import {
  ARTICLE_STAGES,
  type ArticleStage,
  articlesInReview,
  keptAgency,
  listArticles,
  readKeptArticle,
} from '../../core/knowledge/list-articles.ts';
import {
  createArticle,
  publishArticle,
  retireArticle,
  returnForChanges,
  reviewDate,
  reviewsFor,
  saveDraft,
  submitForReview,
  writesFor,
} from '../../core/knowledge/manage-articles.ts';
import type { ArticleContent, ArticleText, Language } from '../../db/schema.ts';
import {
  formValues,
  renderArticleForm,
  renderArticlePage,
  renderKnowledgeList,
} from '../../web/console/knowledge-pages.ts';
import { ct } from '../../web/console/layout.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { consoleContext, staffOf } from './console.ts';

type Staff = Principal & { kind: 'staff' };
type Params = { id: string };
type Who = { principal: Staff; language: Language };
const hidden = { schema: { hide: true } };

/**
 * The knowledge base in the console (docs/knowledge.md, "The console"): list, write, review and
 * retire an agency's articles. The core decides who may do what (manage-articles.ts); an article
 * of another agency is not found (list-articles.ts), as another agency's case is not.
 */
export function consoleKnowledgeRoutes(app: App, deps: AppDeps): void {
  const who = async (request: FastifyRequest, reply: FastifyReply): Promise<Who> => ({
    language: portalLanguage(request, reply),
    principal: await staffOf(deps, request),
  });
  const ctxOf = (request: FastifyRequest, language: Language) => consoleContext(deps, request, language);
  const today = () => nairobiDate(deps.now());
  const flashOf = (request: FastifyRequest, language: Language) => {
    const done = (request.query as Record<string, unknown>).done;
    return typeof done === 'string' && /^[a-z_]{1,20}$/.test(done)
      ? ct(language)(`knowledge.done.${done}`, { defaultValue: '' }) || undefined
      : undefined;
  };

  app.get('/console/knowledge', hidden, async (request, reply) => {
    const { principal, language } = await who(request, reply);
    const query = request.query as Record<string, unknown>;
    const words = typeof query.q === 'string' && query.q.trim() ? query.q.trim().slice(0, 200) : undefined;
    const stage = ARTICLE_STAGES.includes(query.status as ArticleStage)
      ? (query.status as ArticleStage)
      : undefined;
    const page = Math.min(Math.max(Number.parseInt(String(query.page ?? '1'), 10) || 1, 1), 100);
    const agencyId = keptAgency(principal);
    const reviewer = reviewsFor(principal, agencyId ?? '');
    const [list, waiting] = await Promise.all([
      listArticles(deps.db, principal, { language, stage, query: words, page }),
      reviewer ? articlesInReview(deps.db, principal, language) : null,
    ]);
    return sendPage(
      request,
      reply,
      renderKnowledgeList(ctxOf(request, language), {
        list,
        stage,
        query: words,
        page,
        today: today(),
        waiting,
        selfId: principal.userId,
        canWrite: writesFor(principal, agencyId ?? ''),
        allAgencies: agencyId === null,
        flash: flashOf(request, language),
      }),
    );
  });

  // Writing: a new article, and an edit of one (a new draft when the latest is not one).
  const servicesFor = (principal: Staff, language: Language) => {
    const name = (n: { name: string; nameSw: string | null }) => (language === 'sw' && n.nameSw) || n.name;
    const choices = (agencyId: string) =>
      deps.reference.servicesOf(agencyId).map((s) => ({ value: s.id, label: name(s) }));
    if (principal.role !== 'sysadmin') return [{ group: null, choices: choices(principal.agencyId ?? '') }];
    return writableAgencies()
      .map((agency) => ({ group: name(agency), choices: choices(agency.id) }))
      .filter((group) => group.choices.length > 0);
  };
  const writableAgencies = () => [...deps.reference.onboardedAgencies(), deps.reference.clearingHouse];
  const showForm = async (
    request: FastifyRequest<{ Params: Partial<Params> }>,
    reply: FastifyReply,
    { principal, language }: Who,
    extra: { values?: Record<string, string>; errors?: FieldError[] } = {},
    status = 200,
  ) => {
    const id = request.params.id;
    const article = id ? await readKeptArticle(deps.db, principal, id, language) : undefined;
    if (!writesFor(principal, article?.agencyId ?? keptAgency(principal) ?? ''))
      throw forbidden('Only the agency’s writers may write its articles');
    const latest = article?.versions[0];
    const values = extra.values ?? (latest ? formValues(latest.content) : {});
    return sendPage(
      request,
      reply,
      renderArticleForm(ctxOf(request, language), {
        ...(article && latest ? { article: { ...article, state: latest.state } } : {}),
        values,
        services: article ? [] : servicesFor(principal, language),
        agencies:
          !article && principal.role === 'sysadmin'
            ? writableAgencies().map((a) => ({
                value: a.id,
                label: (language === 'sw' && a.nameSw) || a.name,
              }))
            : null,
        errors: extra.errors,
        flash: flashOf(request, language),
      }),
      status,
    );
  };
  app.get<{ Params: Partial<Params> }>('/console/knowledge/new', hidden, async (request, reply) =>
    showForm(request, reply, await who(request, reply)),
  );
  app.get<{ Params: Params }>('/console/knowledge/:id/edit', hidden, async (request, reply) =>
    showForm(request, reply, await who(request, reply)),
  );

  /** Saves the form; with "save and send for review", sends it too. Problems: the form again, filled. */
  const write = async (
    request: FastifyRequest<{ Params: Partial<Params> }>,
    reply: FastifyReply,
    save: (form: Record<string, string>, content: ArticleContent, person: Who) => Promise<string>,
  ) => {
    const person = await who(request, reply);
    const form = await fields(request);
    const { content, slots } = contentOf(form);
    let id: string;
    try {
      id = await save(form, content, person);
      if (form.review === '1') await submitForReview(deps, person.principal, id);
    } catch (error) {
      if (!(error instanceof AppError) || !['invalid_input', 'conflict'].includes(error.code)) throw error;
      return showForm(
        request,
        reply,
        person,
        { values: form, errors: formErrors(error, slots, person.language) },
        400,
      );
    }
    return reply.redirect(
      form.review === '1'
        ? `/console/knowledge/${id}?done=submitted`
        : `/console/knowledge/${id}/edit?done=saved`,
      303,
    );
  };
  app.post<{ Params: Partial<Params> }>('/console/knowledge', hidden, async (request, reply) =>
    write(request, reply, (form, content, { principal }) => {
      const agencyId = principal.role === 'sysadmin' ? (form.agencyId ?? '') : (principal.agencyId ?? '');
      // Every problem at once: the core stops at a bad address before it looks at the content.
      const problems = contentProblems(tidyContent(content));
      if (principal.role === 'sysadmin' && !writableAgencies().some((a) => a.id === agencyId))
        problems.push({ field: 'agencyId', problem: 'choose' });
      if (problems.length > 0) throw new AppError('invalid_input', 'The article is not ready', problems);
      return createArticle(deps, principal, {
        agencyId,
        serviceId: form.serviceId || null,
        slug: form.slug || slugFrom(content.en.title),
        content,
      });
    }),
  );
  app.post<{ Params: Params }>('/console/knowledge/:id/edit', hidden, async (request, reply) =>
    write(request, reply, async (_form, content, { principal, language }) => {
      // Another agency's article is not found before anything is saved.
      const article = await readKeptArticle(deps.db, principal, request.params.id, language);
      await saveDraft(deps, principal, article.id, content);
      return article.id;
    }),
  );

  // Reading, and the review workflow.
  const showArticle = async (
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    { principal, language }: Who,
    extra: { values?: Record<string, string>; errors?: FieldError[] } = {},
    status = 200,
  ) => {
    const article = await readKeptArticle(deps.db, principal, request.params.id, language);
    const latest = article.versions[0];
    const writes = writesFor(principal, article.agencyId);
    const reviews = reviewsFor(principal, article.agencyId);
    const administrator = principal.role === 'agency_admin' || principal.role === 'sysadmin';
    const inReview = latest?.state === 'in_review';
    const ownVersion = inReview && latest?.writtenBy === principal.userId && !administrator;
    return sendPage(
      request,
      reply,
      renderArticlePage(ctxOf(request, language), {
        article,
        can: {
          edit: writes,
          submit: writes && latest?.state === 'draft',
          publish: reviews && (inReview || (latest?.state === 'draft' && administrator)) && !ownVersion,
          review: reviews && inReview,
          retire: reviews && article.status !== 'retired',
        },
        ownVersion,
        nextReviewBy: reviewDate(deps.now()),
        today: today(),
        values: extra.values,
        errors: extra.errors,
        flash: flashOf(request, language),
      }),
      status,
    );
  };
  app.get<{ Params: Params }>('/console/knowledge/:id', hidden, async (request, reply) =>
    showArticle(request, reply, await who(request, reply)),
  );

  /** A step of the workflow: done, back to the article with a word; refused, the article with why. */
  const step = (
    name: string,
    act: (person: Who, id: string, form: Record<string, string>) => Promise<FieldError[] | undefined>,
  ) =>
    app.post<{ Params: Params }>(`/console/knowledge/:id/${name}`, hidden, async (request, reply) => {
      const person = await who(request, reply);
      const form = await fields(request);
      // Another agency's article is not found, whatever the step.
      const article = await readKeptArticle(deps.db, person.principal, request.params.id, person.language);
      let errors: FieldError[] | undefined;
      let status = 400;
      try {
        errors = await act(person, article.id, form);
      } catch (error) {
        if (
          !(error instanceof AppError) ||
          !['forbidden', 'invalid_transition', 'invalid_input'].includes(error.code)
        )
          throw error;
        const field = name === 'publish' ? 'publish' : 'actions';
        // The four eyes: a reviewer who wrote the version is told so, not refused in general words.
        const own =
          article.versions[0]?.writtenBy === person.principal.userId &&
          reviewsFor(person.principal, article.agencyId);
        status = error.code === 'forbidden' ? 403 : error.code === 'invalid_transition' ? 409 : 400;
        errors = [
          error.code === 'invalid_input'
            ? {
                field: name === 'return' ? 'note' : 'reviewBy',
                key: `!console.knowledge.problems.${name === 'return' ? 'note' : 'review_by'}`,
              }
            : error.code === 'invalid_transition'
              ? { field, key: '!console.knowledge.problems.transition' }
              : {
                  field,
                  key: `!console.knowledge.problems.${name === 'publish' && own ? 'own_version' : 'forbidden'}`,
                },
        ];
      }
      if (errors && errors.length > 0)
        return showArticle(request, reply, person, { values: form, errors }, status);
      return reply.redirect(`/console/knowledge/${article.id}?done=${DONE[name] ?? name}`, 303);
    });
  step('submit', async ({ principal }, id) => {
    await submitForReview(deps, principal, id);
    return undefined;
  });
  step('publish', async ({ principal }, id, form) => {
    const reviewBy = form.reviewBy ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(reviewBy) || Number.isNaN(Date.parse(reviewBy)) || reviewBy <= today())
      return [{ field: 'reviewBy', key: '!console.knowledge.problems.review_by' }];
    await publishArticle(deps, principal, id, { reviewBy });
    return undefined;
  });
  step('return', async ({ principal }, id, form) => {
    const note = form.note ?? '';
    if (note.length < 3 || note.length > 1000)
      return [{ field: 'note', key: '!console.knowledge.problems.note' }];
    await returnForChanges(deps, principal, id, note);
    return undefined;
  });
  step('retire', async ({ principal }, id) => {
    await retireArticle(deps, principal, id);
    return undefined;
  });
}

const DONE: Record<string, string> = {
  submit: 'submitted',
  publish: 'published',
  return: 'returned',
  retire: 'retired',
};

async function fields(request: FastifyRequest): Promise<Record<string, string>> {
  const posted = await readForm(request);
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(posted.body)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string') form[key] = key.endsWith('-body') ? text.replace(/\s+$/, '') : text.trim();
  }
  return form;
}

/** The form's two languages as an article's content, and which USSD box each written screen came from. */
function contentOf(form: Record<string, string>): {
  content: ArticleContent;
  slots: Record<Language, number[]>;
} {
  const slots: Record<Language, number[]> = { en: [], sw: [] };
  const text = (language: Language): ArticleText => {
    const boxes = [1, 2, 3, 4].map((n) => form[`${language}-ussd-${n}`] ?? '');
    slots[language] = boxes.flatMap((screen, i) => (screen.trim() ? [i + 1] : []));
    return {
      title: form[`${language}-title`] ?? '',
      summary: form[`${language}-summary`] ?? '',
      body: form[`${language}-body`] ?? '',
      sms: form[`${language}-sms`] ?? '',
      ussd: boxes,
      keywords: (form[`${language}-keywords`] ?? '').split(/[,\n]/).map((k) => k.trim()),
    };
  };
  return { content: { en: text('en'), sw: text('sw') }, slots };
}

/**
 * The core's problems with the article as the form's field errors, in the reader's language: each
 * beside its field ("sw.ussd.2" is the second written screen, whichever box it was typed in).
 */
function formErrors(error: AppError, slots: Record<Language, number[]>, reader: Language): FieldError[] {
  const problems = Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
  const mapped = problems.map((p): FieldError => {
    if (p.field === 'slug')
      return {
        field: 'slug',
        key: `!console.knowledge.problems.${error.code === 'conflict' ? 'slug_taken' : 'slug'}`,
      };
    if (p.field === 'serviceId' || p.field === 'agencyId')
      return {
        field: p.field,
        key: `!console.knowledge.problems.${p.field === 'serviceId' ? 'service' : 'agency'}`,
      };
    const [language, kind, n] = p.field.split('.') as [Language, string | undefined, string | undefined];
    const words = { language: ct(reader)(`language.${language}`) };
    if (!LANGUAGES.includes(language) || !kind)
      return { field: 'en-title', key: '!console.knowledge.problems.invalid', values: words };
    if (kind === 'ussd' && n) {
      const box = slots[language][Number(n) - 1] ?? 1;
      return {
        field: `${language}-ussd-${box}`,
        key: '!console.knowledge.problems.ussd_screen',
        values: { ...words, n: box },
      };
    }
    return { field: `${language}-${kind}`, key: `!console.knowledge.problems.${kind}`, values: words };
  });
  return mapped.length > 0 ? mapped : [{ field: 'en-title', key: '!console.knowledge.problems.invalid' }];
}

/** An address made from a title: "Renew a passport" -> "renew-a-passport". */
function slugFrom(title: string): string {
  return title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

/** The date in Nairobi, YYYY-MM-DD. */
function nairobiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(at);
}
