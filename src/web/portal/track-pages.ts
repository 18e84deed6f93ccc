import { UPLOAD_LIMITS } from '../../core/attachments/accept-upload.ts';
import { formatReference } from '../../core/cases/reference.ts';
import type { PublicCase } from '../../core/cases/track-case.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { formatLocal } from './feedback-pages.ts';
import {
  confirmBox,
  type FieldError,
  fileField,
  type PortalContext,
  portalPage,
  radios,
  textField,
  tr,
} from './layout.ts';

export function renderTrackForm(
  ctx: PortalContext,
  view: { reference?: string | undefined; errors?: FieldError[]; needPin?: boolean },
): string {
  const t = tr(ctx.language);
  const errors = view.errors ?? [];
  const body = html`<h1>${t('track.title')}</h1>
<p>${t('track.intro')}</p>
<form method="post" action="/track" novalidate>
${textField(ctx.language, { name: 'reference', label: t('track.reference'), hint: t('track.reference_hint'), value: view.reference, inputmode: 'numeric', autocomplete: 'off', maxlength: 20, errors })}
${textField(ctx.language, { name: 'pin', label: t('track.pin'), hint: t(view.needPin ? 'track.pin_needed' : 'track.pin_hint'), value: '', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, errors })}
<button class="btn">${t('track.submit')}</button>
</form>
<p><a href="/my-cases">${t('track.my_cases')}</a></p>`;
  return portalPage(ctx, { title: t('track.title'), body, errors });
}

export interface CaseView {
  kase: PublicCase;
  /** The browser proved it holds the PIN, or the signed-in citizen owns the case. */
  canAct: boolean;
  uploads: { id: string; name: string; size: number }[];
  /** The officer handling it, when the agency lets citizens see the name. */
  officer?: string | null;
  flash?: string | undefined;
  errors?: FieldError[];
  /** What the citizen typed into a form that was refused, to show it again. */
  values?: Record<string, string | undefined>;
  reopenUntil: Date | null;
  /** Answered at once by a knowledge-base article, and the citizen may still say it did not help. */
  automatic?: boolean;
  now: Date;
}

const OPEN = new Set(['new', 'acknowledged', 'in_progress', 'awaiting_citizen', 'reopened']);

export function renderCase(ctx: PortalContext, view: CaseView): string {
  const t = tr(ctx.language);
  const common = translator(ctx.language);
  const { kase } = view;
  const errors = view.errors ?? [];
  const ref = formatReference(kase.reference);
  const path = `/track/${kase.reference}`;
  const open = OPEN.has(kase.status);
  const finished = kase.status === 'resolved' || kase.status === 'closed';
  const canReopen = finished && view.reopenUntil !== null && view.reopenUntil.getTime() > view.now.getTime();

  const actions: Html[] = [];
  if (view.canAct && open) {
    const awaiting = kase.status === 'awaiting_citizen';
    actions.push(html`<section aria-labelledby="reply-title"><h2 id="reply-title">${t(awaiting ? 'track.answer_title' : 'track.add_title')}</h2>
${awaiting ? html`<p class="note">${t('track.awaiting')}</p>` : ''}
<form method="post" action="${path}/reply" enctype="multipart/form-data" novalidate>
${textField(ctx.language, { name: 'message', label: t('track.message'), value: view.values?.message, multiline: true, maxlength: 5000, errors })}
${fileField(ctx.language, errors, t('feedback.files.hint', { mb: UPLOAD_LIMITS.maxBytes / 1024 / 1024, max: UPLOAD_LIMITS.maxFiles }))}
<button class="btn">${t('track.send')}</button>
</form></section>
<section aria-labelledby="withdraw-title"><h2 id="withdraw-title">${t('track.withdraw_title')}</h2>
<form method="post" action="${path}/withdraw" novalidate>
${confirmBox(ctx.language, { name: 'confirm', label: t('track.withdraw_confirm'), errors })}
${textField(ctx.language, { name: 'reason', label: t('track.withdraw_reason'), value: view.values?.reason, maxlength: 2000, errors })}
<button class="btn warn">${t('track.withdraw')}</button>
</form></section>`);
  }
  if (view.automatic) {
    // Before rating or reopening: the one thing to say about an automatic answer is whether it helped.
    actions.push(html`<section aria-labelledby="auto-title"><h2 id="auto-title">${t('track.auto_title')}</h2>
<p>${t('track.auto_intro')}</p>
${
  view.canAct
    ? html`<form method="post" action="${path}/not-helped" novalidate>
${textField(ctx.language, { name: 'reason', label: t('track.auto_reason'), value: view.values?.reason, multiline: true, maxlength: 2000, errors })}
<button class="btn">${t('track.auto_not_helped')}</button>
</form>`
    : ''
}</section>`);
  }
  if (view.canAct && finished && !view.automatic) {
    if (kase.rating === null) {
      actions.push(html`<section aria-labelledby="rate-title"><h2 id="rate-title">${t('track.rate_title')}</h2>
<form method="post" action="${path}/rate" novalidate>
${radios(ctx.language, {
  name: 'rating',
  legend: t('track.rating'),
  value: view.values?.rating,
  errors,
  choices: [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: t(`track.stars.${n}`) })),
})}
${textField(ctx.language, { name: 'comment', label: t('track.comment'), value: view.values?.comment, multiline: true, maxlength: 2000, errors })}
<button class="btn">${t('track.rate')}</button>
</form></section>`);
    } else {
      actions.push(html`<p>${t('track.rated', { rating: kase.rating })}</p>`);
    }
    if (canReopen && view.reopenUntil) {
      actions.push(html`<section aria-labelledby="unhappy-title"><h2 id="unhappy-title">${t('track.unhappy_title')}</h2>
<p>${t('track.unhappy_intro', { date: formatLocal(ctx.language, view.reopenUntil) })}</p>
<form method="post" action="${path}/reopen" novalidate>
${textField(ctx.language, { name: 'reason', label: t('track.reason'), hint: t('track.reason_hint'), value: view.values?.reason, multiline: true, maxlength: 2000, errors })}
<button class="btn sec" name="how" value="reopen">${t('track.reopen')}</button>
<button class="btn sec" name="how" value="appeal">${t('track.appeal')}</button>
</form>
<p class="hint">${t('track.appeal_hint')}</p></section>`);
    }
  }
  if (!view.canAct && (open || finished)) {
    actions.push(html`<section aria-labelledby="act-title"><h2 id="act-title">${t('track.act_title')}</h2>
<p>${t('track.act_intro')}</p>
<form method="post" action="/track" novalidate>
<input type="hidden" name="reference" value="${kase.reference}">
${textField(ctx.language, { name: 'pin', label: t('track.pin'), value: '', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, errors })}
<button class="btn">${t('track.unlock')}</button>
</form></section>`);
  }

  const body = html`${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<h1>${t('track.case_title', { reference: ref })}</h1>
<dl class="check">
<div><dt>${t('track.status')}</dt><dd><span class="status">${common(`status.${kase.status}`)}</span> ${t(`status_help.${kase.status}`)}</dd></div>
<div><dt>${t('track.kind')}</dt><dd>${t(`kinds.${kase.type}`)}</dd></div>
<div><dt>${t('track.handled_by')}</dt><dd>${kase.agency.name}${kase.service ? html` – ${kase.service.name}` : ''}${view.officer ? html`<br>${t('track.officer', { name: view.officer })}` : ''}</dd></div>
${kase.county ? html`<div><dt>${t('track.where')}</dt><dd>${kase.county}</dd></div>` : ''}
<div><dt>${t('track.sent')}</dt><dd>${formatLocal(ctx.language, kase.createdAt)}</dd></div>
${kase.nextDueAt && open ? html`<div><dt>${t('track.next_due')}</dt><dd>${formatLocal(ctx.language, kase.nextDueAt)}</dd></div>` : ''}
${kase.resolvedAt ? html`<div><dt>${t('track.resolved')}</dt><dd>${formatLocal(ctx.language, kase.resolvedAt)}</dd></div>` : ''}
</dl>
${
  view.canAct && view.uploads.length > 0
    ? html`<h2>${t('track.files')}</h2><ul>${view.uploads.map((u) => html`<li><a href="${path}/files/${u.id}">${u.name}</a> (${Math.max(1, Math.round(u.size / 1024))} KB)</li>`)}</ul>`
    : ''
}
<h2>${t('track.timeline')}</h2>
<ol class="timeline" reversed>
${[...kase.timeline].reverse().map(
  (entry) => html`<li><time datetime="${entry.at.toISOString()}">${formatLocal(ctx.language, entry.at)}</time>
<strong>${t(`events.${entry.kind}`, { defaultValue: t('events.other') })}</strong>${entry.status ? html` – ${common(`status.${entry.status}`)}` : ''}${entry.agency ? html` (${entry.agency})` : ''}${entry.automatic ? html` <span class="tag">${t('track.automatic')}</span>` : ''}
${entry.rating ? html`<br>${t('track.rated', { rating: entry.rating })}` : ''}
${entry.message ? html`<br>${entry.message}` : ''}</li>`,
)}
</ol>
<div id="f-action" tabindex="-1"></div>
${actions}
`;
  return portalPage(ctx, { title: t('track.case_title', { reference: ref }), body, errors });
}
