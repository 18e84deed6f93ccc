import { DateTime } from 'luxon';
import type { AgencyRef, ReferenceCache } from '../../core/agencies/reference-cache.ts';
import { UPLOAD_LIMITS } from '../../core/attachments/accept-upload.ts';
import type { UploadSummary } from '../../core/attachments/attach-uploads.ts';
import { formatReference } from '../../core/cases/reference.ts';
import type { Language } from '../../db/schema.ts';
import { type Html, html } from '../html.ts';
import {
  DESCRIPTION_MAX,
  type FeedbackDraft,
  hiddenFields,
  KINDS,
  NO_COUNTY,
  type Step,
  stepPosition,
  UNKNOWN,
} from './feedback-flow.ts';
import {
  errorText,
  type FieldError,
  fieldId,
  fileField,
  type PortalContext,
  portalPage,
  radios,
  textField,
  tr,
} from './layout.ts';

export interface StepView {
  step: Step;
  draft: FeedbackDraft;
  errors: FieldError[];
  reference: ReferenceCache;
  /** Triage's suggestion for the agency and service steps. */
  suggestion?: { agency: string; service?: string } | undefined;
  /** The files the form holds, for the files and check steps. */
  uploads?: UploadSummary[];
  /** Knowledge-base articles that may answer what the citizen wrote (help-pages.ts). */
  answers?: Html | undefined;
  /** The first step can be reached by GET; the rest are answers to a post. */
}

const agencyName = (language: Language, agency: AgencyRef | undefined) =>
  agency ? (language === 'sw' && agency.nameSw) || agency.name : '';

export function renderStep(ctx: PortalContext, view: StepView): string {
  const t = tr(ctx.language);
  const { step, draft, errors } = view;
  // Counted with the office preselected on the office question, so the count does not change
  // when the citizen simply accepts it.
  const counted = draft.agency || !view.suggestion ? draft : { ...draft, agency: view.suggestion.agency };
  const position = stepPosition(step, counted, view.reference);
  const question = QUESTIONS[step](ctx.language, view);
  // Files are re-encoded on arrival, the costliest thing a citizen can ask of the server: that
  // step posts to an address with the submission limit.
  const form = html`<form method="post" action="${step === 'files' ? '/feedback/files' : '/feedback'}" id="step" data-draft novalidate ${step === 'files' ? html`enctype="multipart/form-data"` : ''}>
<p class="steps">${t('feedback.step', position)}</p>
${hiddenFields(draft, step).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<input type="hidden" name="step" value="${step}">
${draft.review ? html`<input type="hidden" name="review" value="${draft.review}">` : ''}
${question}
<div>
${step === 'check' ? html`<button class="btn" name="action" value="send" formaction="/feedback/send">${t('feedback.send')}</button>` : html`<button class="btn" name="action" value="next">${t('feedback.continue')}</button>`}
${step !== 'kind' ? html`<button class="btn sec" name="action" value="back">${t('feedback.back')}</button>` : ''}
</div>
</form>`;
  const body = view.answers ? html`${view.answers}${form}` : form;
  return portalPage(ctx, { title: titleOf(ctx.language, view), body, errors, switchForm: 'step' });
}

function titleOf(language: Language, view: StepView): string {
  const agency = view.draft.agency ? view.reference.agency(view.draft.agency) : undefined;
  return tr(language)(`feedback.${view.step}.title`, { agency: agencyName(language, agency) });
}

type Question = (language: Language, view: StepView) => Html;

const QUESTIONS: Record<Step, Question> = {
  kind(language, { draft, errors }) {
    const t = tr(language);
    return radios(language, {
      name: 'kind',
      legend: t('feedback.kind.title'),
      headingLegend: true,
      value: draft.kind,
      errors,
      choices: KINDS.map((kind) => ({
        value: kind,
        label: t(`kinds.${kind}`),
        hint: t(`kinds.${kind}_hint`),
      })),
    });
  },

  about(language, { draft, errors }) {
    const t = tr(language);
    return html`<h1>${t('feedback.about.title')}</h1>
${textField(language, {
  name: 'text',
  label: t('feedback.about.label'),
  hint: t('feedback.about.hint', { max: DESCRIPTION_MAX }),
  value: draft.text,
  multiline: true,
  maxlength: DESCRIPTION_MAX,
  errors,
})}`;
  },

  agency(language, { draft, errors, reference, suggestion }) {
    const t = tr(language);
    const agencies = reference.onboardedAgencies();
    const suggested =
      suggestion && suggestion.agency !== UNKNOWN ? reference.agency(suggestion.agency) : undefined;
    const ordered = suggested ? [suggested, ...agencies.filter((a) => a.id !== suggested.id)] : agencies;
    const corruption = draft.kind === 'corruption_report';
    const guess = suggested
      ? t('feedback.agency.suggested', { agency: agencyName(language, suggested) })
      : t('feedback.agency.no_suggestion');
    return html`${radios(language, {
      name: 'agency',
      legend: t(corruption ? 'feedback.agency.title_corruption' : 'feedback.agency.title'),
      headingLegend: true,
      hint: `${guess} ${t('feedback.agency.hint')}`,
      value: draft.agency ?? suggested?.code ?? undefined,
      errors,
      choices: [
        ...ordered.map((a) => ({
          value: a.code ?? '',
          label: agencyName(language, a),
          hint: a.id === suggested?.id ? t('feedback.agency.our_guess') : undefined,
        })),
        { value: UNKNOWN, label: t('feedback.dont_know'), hint: t('feedback.agency.dont_know_hint') },
      ].map(({ hint, ...c }) => (hint ? { ...c, hint } : c)),
    })}`;
  },

  service(language, { draft, errors, reference, suggestion }) {
    const t = tr(language);
    const agency = draft.agency ? reference.agency(draft.agency) : undefined;
    const guess = suggestion?.agency === draft.agency ? suggestion?.service : undefined;
    const all = agency ? reference.servicesOf(agency.id) : [];
    // Our suggestion first, as on the office question.
    const services = [...all.filter((s) => s.code === guess), ...all.filter((s) => s.code !== guess)];
    return radios(language, {
      name: 'service',
      legend: t('feedback.service.title', { agency: agencyName(language, agency) }),
      headingLegend: true,
      value: draft.service ?? guess,
      errors,
      choices: [
        ...services.map((s) => ({
          value: s.code,
          label: (language === 'sw' && s.nameSw) || s.name,
          ...(s.code === guess ? { hint: t('feedback.agency.our_guess') } : {}),
        })),
        { value: UNKNOWN, label: t('feedback.dont_know') },
      ],
    });
  },

  where(language, { draft, errors, reference }) {
    const t = tr(language);
    const counties = reference.countyList();
    const invalid = errors.some((e) => e.field === 'county');
    return html`<h1>${t('feedback.where.title')}</h1>
<div class="field${invalid ? ' err' : ''}">
<label for="${fieldId('county')}">${t('feedback.where.county')}</label>
<span class="hint" id="${fieldId('county')}-hint">${t('feedback.where.county_hint')}</span>
${errors
  .filter((e) => e.field === 'county')
  .map((e) => html`<span class="err-msg" id="${fieldId('county')}-error">${errorText(language, e)}</span>`)}
<select id="${fieldId('county')}" name="county" aria-describedby="${fieldId('county')}-hint${invalid ? ` ${fieldId('county')}-error` : ''}" ${invalid ? html`aria-invalid="true"` : ''}>
<option value="">${t('feedback.where.choose')}</option>
<option value="${NO_COUNTY}" ${draft.county === NO_COUNTY ? html`selected` : ''}>${t('feedback.where.no_place')}</option>
${counties.map((c) => html`<option value="${c.code}" ${reference.county(draft.county ?? '')?.code === c.code && draft.county !== NO_COUNTY ? html`selected` : ''}>${c.name}</option>`)}
</select>
</div>
${textField(language, { name: 'subCounty', label: t('feedback.where.sub_county'), value: draft.subCounty, maxlength: 100, errors, autocomplete: 'off' })}
${textField(language, { name: 'ward', label: t('feedback.where.ward'), value: draft.ward, maxlength: 100, errors, autocomplete: 'off' })}
<input type="hidden" name="lat" value="${draft.lat ?? ''}"><input type="hidden" name="lng" value="${draft.lng ?? ''}">
<p><button type="button" class="btn sec" data-locate hidden data-wait="${t('feedback.where.locating')}" data-done="${t('feedback.where.located')}" data-fail="${t('feedback.where.locate_failed')}">${t('feedback.where.use_location')}</button>
<span id="locate-status" role="status">${draft.lat ? t('feedback.where.located') : ''}</span></p>`;
  },

  files(language, { errors, uploads = [] }) {
    const t = tr(language);
    const mb = UPLOAD_LIMITS.maxBytes / 1024 / 1024;
    const room = UPLOAD_LIMITS.maxFiles - uploads.length;
    return html`<h1>${t('feedback.files.title')}</h1>
<p>${t('feedback.files.intro')}</p>
<p class="hint">${t('feedback.files.privacy')}</p>
${
  uploads.length > 0
    ? html`<h2>${t('feedback.files.attached')}</h2><ul>${uploads.map(
        (u) =>
          html`<li>${u.name} (${kilobytes(u.size)} KB) <button class="linkbtn" name="remove" value="${u.id}">${t('feedback.files.remove', { name: u.name })}</button></li>`,
      )}</ul>`
    : ''
}
${
  room > 0
    ? html`${fileField(language, errors, t('feedback.files.hint', { mb, max: UPLOAD_LIMITS.maxFiles }))}
<p><button class="btn sec" name="action" value="upload">${t('feedback.files.add')}</button></p>`
    : html`<p>${t('feedback.files.full', { max: UPLOAD_LIMITS.maxFiles })}</p>`
}`;
  },

  contact(language, { draft, errors }) {
    const t = tr(language);
    const corruption = draft.kind === 'corruption_report';
    return html`${radios(language, {
      name: 'contact',
      legend: t('feedback.contact.title'),
      headingLegend: true,
      value: draft.contact,
      errors,
      choices: [
        { value: 'phone', label: t('feedback.contact.phone'), hint: t('feedback.contact.phone_hint') },
        { value: 'email', label: t('feedback.contact.email') },
        {
          value: 'anonymous',
          label: t('feedback.contact.anonymous'),
          hint: t('feedback.contact.anonymous_hint'),
        },
      ],
    })}
${textField(language, { name: 'phone', label: t('feedback.contact.phone_label'), hint: t('feedback.contact.phone_example'), value: draft.phone, type: 'tel', autocomplete: 'tel', maxlength: 30, errors })}
${textField(language, { name: 'email', label: t('feedback.contact.email_label'), value: draft.email, type: 'email', autocomplete: 'email', maxlength: 254, errors })}
${textField(language, { name: 'name', label: t('feedback.contact.name_label'), value: draft.name, autocomplete: 'name', maxlength: 120, errors })}
<div class="note"><h2>${t('feedback.contact.anonymity_title')}</h2><p>${t('feedback.contact.anonymity')}</p>${corruption ? html`<p>${t('feedback.contact.corruption')}</p>` : ''}</div>`;
  },

  check(language, { draft, reference, uploads = [] }) {
    const t = tr(language);
    const agency = draft.agency && draft.agency !== UNKNOWN ? reference.agency(draft.agency) : undefined;
    const service =
      agency && draft.service && draft.service !== UNKNOWN
        ? reference.service(agency.id, draft.service)
        : undefined;
    const county = draft.county && draft.county !== NO_COUNTY ? reference.county(draft.county) : undefined;
    const row = (label: string, value: Html | string, step: Step) =>
      html`<div><dt>${label}</dt><dd>${value}</dd><dd><button class="linkbtn" name="change" value="${step}">${t('feedback.change')}<span class="visually-hidden"> ${label}</span></button></dd></div>`;
    const contact =
      draft.contact === 'anonymous'
        ? t('feedback.contact.anonymous')
        : [draft.name, draft.contact === 'phone' ? draft.phone : draft.email].filter(Boolean).join(', ');
    return html`<h1>${t('feedback.check.title')}</h1>
<dl class="check">
${row(t('feedback.check.kind'), t(`kinds.${draft.kind}`), 'kind')}
${row(t('feedback.check.text'), draft.text ?? '', 'about')}
${row(t(draft.kind === 'corruption_report' ? 'feedback.check.agency_corruption' : 'feedback.check.agency'), agency ? agencyName(language, agency) : t('feedback.dont_know'), 'agency')}
${agency ? row(t('feedback.check.service'), service ? (language === 'sw' && service.nameSw) || service.name : t('feedback.dont_know'), 'service') : ''}
${row(t('feedback.check.where'), [county?.name ?? t('feedback.where.no_place'), draft.subCounty, draft.ward].filter(Boolean).join(', ') + (draft.lat ? ` (${t('feedback.where.located')})` : ''), 'where')}
${row(t('feedback.check.files'), uploads.length ? uploads.map((u) => u.name).join(', ') : t('feedback.check.no_files'), 'files')}
${row(t('feedback.check.contact'), contact, 'contact')}
</dl>
${draft.kind === 'corruption_report' ? html`<p class="note">${t('feedback.contact.corruption')}</p>` : ''}
<p>${t('feedback.check.declaration')}</p>`;
  },
};

const kilobytes = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

export interface SentView {
  reference: string;
  pin: string;
  anonymous: boolean;
  agency: AgencyRef;
  clearingHouse: boolean;
  sealed: boolean;
  resolveBy: Date | null;
  copyTo: string | null;
  /** The draft was sent before and changed since: this is the case it made, the changes were not sent. */
  changedAfterSending?: boolean;
}

export function renderSent(ctx: PortalContext, view: SentView): string {
  const t = tr(ctx.language);
  const due = view.resolveBy ? formatLocal(ctx.language, view.resolveBy) : null;
  const body = html`<div class="panel" role="status"><h1>${t(view.changedAfterSending ? 'sent.already_title' : 'sent.title')}</h1>
${view.changedAfterSending ? html`<p>${t('sent.already')}</p>` : ''}
<p>${t('sent.reference')}<strong>${formatReference(view.reference)}</strong></p>
${view.anonymous || view.sealed ? html`<p>${t('sent.pin')}<strong>${view.pin}</strong></p>` : ''}
</div>
${view.anonymous || view.sealed ? html`<p class="note">${t('sent.keep_pin')}</p>` : ''}
${view.copyTo ? html`<p>${t('sent.copy', { to: view.copyTo })}</p>` : view.anonymous || view.sealed ? '' : html`<p>${t('sent.write_down')}</p>`}
<h2>${t('sent.next_title')}</h2>
<p>${
    view.sealed
      ? t('sent.next_sealed', { agency: agencyName(ctx.language, view.agency) })
      : view.clearingHouse
        ? t('sent.next_clearing')
        : t('sent.next', { agency: agencyName(ctx.language, view.agency) })
  }</p>
${due ? html`<p>${t('sent.due', { date: due })}</p>` : ''}
<p><a class="btn" href="/track/${view.reference}">${t('sent.track')}</a> <a class="btn sec" href="/feedback">${t('sent.another')}</a></p>`;
  return portalPage(ctx, { title: t(view.changedAfterSending ? 'sent.already_title' : 'sent.title'), body });
}

/** A moment as people in Kenya read it: Africa/Nairobi, day and time in words. */
export function formatLocal(language: Language, at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'Africa/Nairobi' })
    .setLocale(language === 'sw' ? 'sw-KE' : 'en-KE')
    .toFormat("cccc d LLLL yyyy', 'HH:mm");
}
