import type { ResponseTemplate } from '../../core/console/response-templates.ts';
import { PLACEHOLDERS } from '../../core/console/response-templates.ts';
import type { SystemHealth } from '../../core/console/system-health.ts';
import type { ClockName, Duration, SlaPolicy } from '../../core/sla/sla-policy.ts';
import { CLOCKS, DURATION_UNITS } from '../../core/sla/sla-policy.ts';
import type { StaffListing } from '../../core/staff/manage-staff.ts';
import type { StoredRule } from '../../core/triage/manage-rules.ts';
import { type Language, PRIORITIES, type StaffRole } from '../../db/schema.ts';
import { type Html, html } from '../html.ts';
import { errorFor, type FieldError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatWhen } from './layout.ts';

/** A labelled select with its error, for the administration forms. */
export function selectField(
  language: Language,
  options: {
    name: string;
    key?: string;
    label: string;
    choices: { value: string; label: string }[];
    value: string | undefined;
    errors?: FieldError[] | undefined;
  },
): Html {
  const key = options.key ?? options.name;
  const problem = errorFor(language, options.errors, key);
  return html`<div class="field${problem ? ' err' : ''}"><label for="f-${key}">${options.label}</label>
${problem}
<select id="f-${key}" name="${options.name}">${options.choices.map(
    (c) =>
      html`<option value="${c.value}" ${c.value === options.value ? html`selected` : ''}>${c.label}</option>`,
  )}</select></div>`;
}

/** An administration page: back to the hub, its heading, a word on what was just done. */
export const adminPage = (
  ctx: ConsoleContext,
  title: string,
  body: Html,
  extra: { errors?: FieldError[] | undefined; flash?: string | undefined } = {},
) =>
  consolePage(ctx, {
    title,
    body: html`<p><a href="/console/admin">${ct(ctx.language)('admin.back')}</a></p>
<h1>${title}</h1>
${extra.flash ? html`<p class="flash" role="status">${extra.flash}</p>` : ''}
${body}`,
    errors: extra.errors,
    wide: true,
  });

/** The administration hub: what this administrator may look after. */
export function renderAdminHome(ctx: ConsoleContext, sysadmin: boolean, keepsRules: boolean): string {
  const t = ct(ctx.language);
  const links = sysadmin
    ? ['users', 'templates', 'rules', 'calendar', 'agencies', 'keys', 'health', 'outbox']
    : ['users', 'templates', 'profile', 'catalogue', 'sla', 'calendar', ...(keepsRules ? ['rules'] : [])];
  const body = html`<ul class="hub">${links.map(
    (name) =>
      html`<li class="card"><a href="/console/admin/${name}"><strong>${t(`admin.${name}.title`)}</strong></a><br><span class="hint">${t(`admin.${name}.about`)}</span></li>`,
  )}${sysadmin ? html`<li class="card"><a href="/admin/sla"><strong>${t('admin.sla_dashboard')}</strong></a></li>` : ''}</ul>`;
  return consolePage(ctx, {
    title: t('admin.title'),
    body: html`<h1>${t('admin.title')}</h1>${body}`,
    wide: true,
  });
}

export interface UsersView {
  users: StaffListing[];
  roles: readonly StaffRole[];
  agencies: { code: string; name: string }[] | null;
  agencyName: (id: string | null) => string;
  selfId: string;
  values: Record<string, string>;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

export function renderUsers(ctx: ConsoleContext, view: UsersView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const roleChoices = view.roles.map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const rows = view.users.map(
    (u) => html`<tr><th scope="row">${u.name}<br><span class="hint">${u.email}</span></th>
<td>${view.agencyName(u.agencyId)}</td>
<td>${t(`roles.${u.role}`)}</td>
<td>${u.active ? t('admin.users.active') : t('admin.users.inactive')}${u.totpEnabled ? html`<br><span class="hint">${t('admin.users.totp')}</span>` : ''}</td>
<td>${
      u.id === view.selfId
        ? html`<span class="hint">${t('admin.users.you')}</span>`
        : html`<form method="post" action="/console/admin/users/${u.id}" class="filters">
${selectField(ctx.language, { name: 'role', key: `role-${u.id}`, label: t('admin.users.role'), choices: view.roles.includes(u.role) ? roleChoices : [{ value: u.role, label: t(`roles.${u.role}`) }, ...roleChoices], value: u.role })}
<div class="choice"><input type="checkbox" id="active-${u.id}" name="active" value="1" ${u.active ? html`checked` : ''}><label for="active-${u.id}">${t('admin.users.active')}</label></div>
<button class="btn sec small">${t('admin.save')}</button></form>`
    }</td></tr>`,
  );
  const body = html`<table class="queue"><caption class="visually-hidden">${t('admin.users.title')}</caption>
<thead><tr><th scope="col">${t('admin.users.person')}</th><th scope="col">${t('case.agency')}</th><th scope="col">${t('admin.users.role')}</th><th scope="col">${t('admin.users.state')}</th><th scope="col">${t('admin.users.change')}</th></tr></thead>
<tbody>${rows}</tbody></table>
<section class="card" aria-labelledby="new-user"><h2 id="new-user">${t('admin.users.new')}</h2>
<form method="post" action="/console/admin/users" novalidate>
${textField(ctx.language, { name: 'name', label: t('admin.users.name'), value: view.values.name, maxlength: 120, errors, autocomplete: 'off' })}
${textField(ctx.language, { name: 'email', label: t('admin.users.email'), value: view.values.email, type: 'email', maxlength: 200, errors, autocomplete: 'off' })}
${selectField(ctx.language, { name: 'role', label: t('admin.users.role'), choices: roleChoices, value: view.values.role ?? 'officer', errors })}
${view.agencies ? selectField(ctx.language, { name: 'agencyCode', label: t('case.agency'), choices: [{ value: '', label: t('admin.users.no_agency') }, ...view.agencies.map((a) => ({ value: a.code, label: a.name }))], value: view.values.agencyCode, errors }) : ''}
${textField(ctx.language, { name: 'password', label: t('admin.users.password'), hint: t('admin.users.password_hint'), value: undefined, type: 'password', maxlength: 200, errors, autocomplete: 'new-password' })}
<button class="btn">${t('admin.users.create')}</button>
</form></section>`;
  return adminPage(ctx, t('admin.users.title'), body, { errors, flash: view.flash });
}

export interface TemplatesView {
  templates: ResponseTemplate[];
  /** The agency whose templates this administrator keeps; null: the national ones. */
  agencyId: string | null;
  editing?: ResponseTemplate | undefined;
  values: Record<string, string>;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

export function renderTemplates(ctx: ConsoleContext, view: TemplatesView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const mine = (tpl: ResponseTemplate) => tpl.agencyId === view.agencyId;
  const editing = view.editing;
  const values =
    editing && !view.errors
      ? {
          name: editing.name,
          bodyEn: editing.bodyEn,
          bodySw: editing.bodySw,
          active: editing.active ? '1' : '',
        }
      : view.values;
  const body = html`<p class="hint">${t('admin.templates.placeholders', { list: PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ') })}</p>
<table class="queue"><caption class="visually-hidden">${t('admin.templates.title')}</caption>
<thead><tr><th scope="col">${t('admin.templates.name')}</th><th scope="col">${t('admin.templates.body_en')}</th><th scope="col">${t('admin.templates.body_sw')}</th><th scope="col">${t('admin.users.state')}</th></tr></thead>
<tbody>${view.templates.map(
    (
      tpl,
    ) => html`<tr><th scope="row">${mine(tpl) ? html`<a href="/console/admin/templates/${tpl.id}">${tpl.name}</a>` : tpl.name}${tpl.agencyId === null ? html`<br><span class="hint">${t('admin.templates.national')}</span>` : ''}</th>
<td class="description">${tpl.bodyEn}</td><td class="description" lang="sw">${tpl.bodySw}</td>
<td>${tpl.active ? t('admin.users.active') : t('admin.users.inactive')}</td></tr>`,
  )}</tbody></table>
<section class="card" aria-labelledby="tpl-form"><h2 id="tpl-form">${editing ? t('admin.templates.edit', { name: editing.name }) : t('admin.templates.new')}</h2>
<form method="post" action="/console/admin/templates${editing ? `/${editing.id}` : ''}" novalidate>
${textField(ctx.language, { name: 'name', label: t('admin.templates.name'), value: values.name, maxlength: 80, errors })}
${textField(ctx.language, { name: 'bodyEn', label: t('admin.templates.body_en'), value: values.bodyEn, multiline: true, maxlength: 5000, errors })}
${textField(ctx.language, { name: 'bodySw', label: t('admin.templates.body_sw'), value: values.bodySw, multiline: true, maxlength: 5000, errors })}
${editing ? html`<div class="choice"><input type="checkbox" id="f-active" name="active" value="1" ${values.active ? html`checked` : ''}><label for="f-active">${t('admin.templates.in_use')}</label></div>` : ''}
<button class="btn">${editing ? t('admin.save') : t('admin.templates.create')}</button>
</form></section>`;
  return adminPage(ctx, t('admin.templates.title'), body, { errors, flash: view.flash });
}

export interface ProfileView {
  agency: {
    code: string;
    name: string;
    nameSw: string | null;
    description: string | null;
    url: string | null;
    showOfficerNames: boolean;
    casesPerOfficer: number;
    calendarId: string | null;
  };
  calendars: { id: string; name: string }[];
  values?: Record<string, string> | undefined;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

export function renderProfile(ctx: ConsoleContext, view: ProfileView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const a = view.agency;
  const values = view.values ?? {
    casesPerOfficer: String(a.casesPerOfficer),
    calendarId: a.calendarId ?? 'office-hours',
    showOfficerNames: a.showOfficerNames ? '1' : '',
  };
  const body = html`<p>${a.name}${a.nameSw ? html` · <span lang="sw">${a.nameSw}</span>` : ''} (${a.code})</p>
${a.description ? html`<p class="description">${a.description}</p>` : ''}
${a.url ? html`<p><a href="${a.url}">${a.url}</a></p>` : ''}
<p class="hint">${t('admin.profile.directory')}</p>
<form method="post" action="/console/admin/profile" novalidate>
${textField(ctx.language, { name: 'casesPerOfficer', label: t('admin.profile.cases_per_officer'), hint: t('admin.profile.cases_per_officer_hint'), value: values.casesPerOfficer, inputmode: 'numeric', maxlength: 4, errors })}
${selectField(ctx.language, { name: 'calendarId', label: t('admin.profile.calendar'), choices: view.calendars.map((c) => ({ value: c.id, label: c.name })), value: values.calendarId, errors })}
<div class="choice"><input type="checkbox" id="f-showOfficerNames" name="showOfficerNames" value="1" ${values.showOfficerNames ? html`checked` : ''}><label for="f-showOfficerNames">${t('admin.profile.show_names')}</label></div>
<button class="btn">${t('admin.save')}</button>
</form>`;
  return adminPage(ctx, t('admin.profile.title'), body, { errors, flash: view.flash });
}

export interface SlaView {
  policies: SlaPolicy[];
  agencyPolicyId: string;
  rules: { name: string; enabled: boolean; keywords: string[]; priority: string | null; sealed: boolean }[];
  values?: Record<string, string> | undefined;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

const durationText = (ctx: ConsoleContext, d: Duration | null | undefined) =>
  d ? ct(ctx.language)(`admin.sla.units.${d.unit}`, { count: d.amount }) : '–';

/** The deadlines that apply to the agency's cases, the agency's own ones editable, and its triage rules. */
export function renderSla(ctx: ConsoleContext, view: SlaView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const own = view.policies.find((p) => p.id === view.agencyPolicyId);
  const values = view.values ?? {};
  const clockField = (clock: ClockName) => {
    const current = own?.clocks?.[clock] ?? undefined;
    return html`<fieldset class="filters"><legend>${t(`clocks.names.${clock}`)}</legend>
${textField(ctx.language, { name: `${clock}Amount`, label: t('admin.sla.amount'), value: values[`${clock}Amount`] ?? (current ? String(current.amount) : ''), inputmode: 'numeric', maxlength: 4, errors })}
${selectField(ctx.language, { name: `${clock}Unit`, label: t('admin.sla.unit'), choices: DURATION_UNITS.map((u) => ({ value: u, label: t(`admin.sla.unit_names.${u}`) })), value: values[`${clock}Unit`] ?? current?.unit ?? 'working_days', errors })}
</fieldset>`;
  };
  const body = html`<h2>${t('admin.sla.policies')}</h2>
<table class="queue"><caption class="visually-hidden">${t('admin.sla.policies')}</caption>
<thead><tr><th scope="col">${t('admin.templates.name')}</th>${CLOCKS.map((c) => html`<th scope="col">${t(`clocks.names.${c}`)}</th>`)}<th scope="col">${t('admin.sla.warn')}</th></tr></thead>
<tbody>${view.policies.map(
    (p) =>
      html`<tr><th scope="row">${p.name}${p.priority ? html` · ${p.priority}` : ''}${p.caseType ? html` · ${p.caseType}` : ''}${p.enabled ? '' : html` (${t('admin.users.inactive')})`}</th>${CLOCKS.map((c) => html`<td>${durationText(ctx, p.clocks?.[c])}</td>`)}<td>${p.warnAtPercent ? `${p.warnAtPercent}%` : '–'}</td></tr>`,
  )}</tbody></table>
<p class="hint">${t('admin.sla.order')}</p>
<section class="card" aria-labelledby="own-sla"><h2 id="own-sla">${t('admin.sla.own')}</h2>
<p class="hint">${t('admin.sla.own_hint')}</p>
<form method="post" action="/console/admin/sla" novalidate>
${CLOCKS.map(clockField)}
${textField(ctx.language, { name: 'warnAtPercent', label: t('admin.sla.warn'), value: values.warnAtPercent ?? (own?.warnAtPercent ? String(own.warnAtPercent) : ''), inputmode: 'numeric', maxlength: 2, errors })}
<button class="btn">${t('admin.save')}</button>
</form></section>
<h2>${t('admin.sla.rules')}</h2>
<p class="hint">${t('admin.sla.rules_hint')}</p>
<ul>${view.rules.map(
    (r) =>
      html`<li><strong>${r.name}</strong>${r.enabled ? '' : html` (${t('admin.users.inactive')})`}: ${r.keywords.slice(0, 12).join(', ')}${r.priority ? html` → ${r.priority}` : ''}${r.sealed ? html` · ${t('case.sealed')}` : ''}</li>`,
  )}</ul>`;
  return adminPage(ctx, t('admin.sla.title'), body, { errors, flash: view.flash });
}

export interface KeysView {
  keys: {
    id: string;
    name: string;
    prefix: string;
    agencyCode: string | null;
    createdAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }[];
  agencies: { code: string; name: string }[];
  created?: { key: string; agencyCode: string } | undefined;
  values?: Record<string, string> | undefined;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

export function renderKeys(ctx: ConsoleContext, view: KeysView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const body = html`${
    view.created
      ? html`<div class="card referral" role="status"><h2>${t('admin.keys.created', { agency: view.created.agencyCode })}</h2><p><code class="code">${view.created.key}</code></p><p class="hint">${t('admin.keys.once')}</p></div>`
      : ''
  }
<table class="queue"><caption class="visually-hidden">${t('admin.keys.title')}</caption>
<thead><tr><th scope="col">${t('admin.templates.name')}</th><th scope="col">${t('case.agency')}</th><th scope="col">${t('admin.keys.prefix')}</th><th scope="col">${t('admin.keys.last_used')}</th><th scope="col">${t('admin.users.state')}</th></tr></thead>
<tbody>${view.keys.map(
    (
      k,
    ) => html`<tr><th scope="row">${k.name}</th><td>${k.agencyCode ?? '–'}</td><td><code>bz_${k.prefix}_…</code></td><td>${formatWhen(ctx.language, k.lastUsedAt)}</td>
<td>${k.revokedAt ? t('admin.keys.revoked', { when: formatWhen(ctx.language, k.revokedAt) }) : html`<form method="post" action="/console/admin/keys/${k.id}/revoke"><button class="btn sec small">${t('admin.keys.revoke', { name: k.name })}</button></form>`}</td></tr>`,
  )}</tbody></table>
<section class="card" aria-labelledby="new-key"><h2 id="new-key">${t('admin.keys.new')}</h2>
<form method="post" action="/console/admin/keys" novalidate>
${selectField(ctx.language, { name: 'agencyCode', label: t('case.agency'), choices: view.agencies.map((a) => ({ value: a.code, label: a.name })), value: view.values?.agencyCode, errors })}
${textField(ctx.language, { name: 'name', label: t('admin.keys.name'), hint: t('admin.keys.name_hint'), value: view.values?.name, maxlength: 80, errors })}
<button class="btn">${t('admin.keys.create')}</button>
</form></section>`;
  return adminPage(ctx, t('admin.keys.title'), body, { errors, flash: view.flash });
}

export function renderHealth(ctx: ConsoleContext, health: SystemHealth): string {
  const t = ct(ctx.language);
  const body = html`<h2>${t('admin.health.jobs')}</h2>
${
  health.jobs === null
    ? html`<p>${t('admin.health.no_jobs')}</p>`
    : html`<table class="queue"><caption class="visually-hidden">${t('admin.health.jobs')}</caption><thead><tr><th scope="col">${t('admin.health.queue')}</th><th scope="col">${t('admin.health.state')}</th><th scope="col">${t('admin.health.count')}</th></tr></thead>
<tbody>${health.jobs.map((j) => html`<tr><td>${j.name}</td><td>${j.state === 'failed' ? html`<span class="late">${j.state}</span>` : j.state}</td><td>${j.count}</td></tr>`)}</tbody></table>`
}
<h2>${t('admin.health.failed_jobs')}</h2>
${health.failedJobs.length === 0 ? html`<p>${t('admin.health.none')}</p>` : html`<ul>${health.failedJobs.map((j) => html`<li><strong>${j.name}</strong> · ${formatWhen(ctx.language, j.failedAt)}<br><code>${j.output}</code></li>`)}</ul>`}
<h2>${t('admin.health.outbox')}</h2>
${
  health.outbox.length === 0
    ? html`<p>${t('admin.health.none')}</p>`
    : html`<table class="queue"><caption class="visually-hidden">${t('admin.health.outbox')}</caption><thead><tr><th scope="col">${t('admin.health.channel')}</th><th scope="col">${t('admin.health.state')}</th><th scope="col">${t('admin.health.count')}</th></tr></thead>
<tbody>${health.outbox.map((o) => html`<tr><td>${o.channel}</td><td>${o.status === 'failed' ? html`<span class="late">${o.status}</span>` : o.status}</td><td>${o.count}</td></tr>`)}</tbody></table>`
}
${
  health.failedMessages.length === 0
    ? ''
    : html`<h3>${t('admin.health.failed_messages')}</h3><ul>${health.failedMessages.map((m) => html`<li>${m.channel} · ${m.purpose} · ${t('admin.health.attempts', { count: m.attempts })} · ${formatWhen(ctx.language, m.createdAt)}<br><code>${m.error ?? ''}</code></li>`)}</ul>`
}
<h2>${t('admin.health.check')}</h2>
<p>${
    health.lastCheck
      ? t('admin.health.check_result', {
          when: formatWhen(ctx.language, health.lastCheck.ranAt),
          open: health.lastCheck.openCases,
          findings: health.lastCheck.findings,
        })
      : t('admin.health.check_never')
  } ${t('admin.health.open_now', { count: health.openCases })} <a href="/admin/sla">${t('admin.sla_dashboard')}</a></p>`;
  return adminPage(ctx, t('admin.health.title'), body);
}

export function renderAgencies(
  ctx: ConsoleContext,
  view: {
    agencies: {
      code: string;
      name: string;
      kind: string;
      staff: number;
      open: number;
      calendarId: string | null;
    }[];
  },
): string {
  const t = ct(ctx.language);
  const body = html`<table class="queue"><caption class="visually-hidden">${t('admin.agencies.title')}</caption>
<thead><tr><th scope="col">${t('case.agency')}</th><th scope="col">${t('admin.agencies.kind')}</th><th scope="col">${t('admin.agencies.staff')}</th><th scope="col">${t('team.open')}</th><th scope="col">${t('admin.profile.calendar')}</th></tr></thead>
<tbody>${view.agencies.map((a) => html`<tr><th scope="row">${a.name} (${a.code})</th><td>${t(`admin.agencies.kinds.${a.kind}`)}</td><td>${a.staff}</td><td>${a.open}</td><td>${a.calendarId ?? 'office-hours'}</td></tr>`)}</tbody></table>
<p class="hint">${t('admin.agencies.hint')}</p>`;
  return adminPage(ctx, t('admin.agencies.title'), body);
}

export interface RulesView {
  rules: StoredRule[];
  agencies: { code: string; name: string }[];
  values: Record<string, string>;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

/** Triage rules in the order they apply: switch one on or off, add a keyword rule. */
export function renderRules(ctx: ConsoleContext, view: RulesView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const values = view.values;
  const body = html`<p class="hint">${t('admin.rules.order')}</p>
<table class="queue"><caption class="visually-hidden">${t('admin.rules.title')}</caption>
<thead><tr><th scope="col">${t('admin.templates.name')}</th><th scope="col">${t('admin.rules.keywords')}</th><th scope="col">${t('admin.rules.then')}</th><th scope="col">${t('admin.users.state')}</th></tr></thead>
<tbody>${view.rules.map(
    (r) => html`<tr><th scope="row">${r.name}</th>
<td class="description">${(r.conditions.keywords ?? []).slice(0, 15).join(', ')}</td>
<td>${[r.actions.agency, r.actions.priority, r.actions.sealed ? t('case.sealed') : ''].filter(Boolean).join(' · ')}</td>
<td>${r.enabled ? t('admin.rules.on') : t('admin.rules.off')}<form method="post" action="/console/admin/rules/${r.id}">${r.enabled ? '' : html`<input type="hidden" name="enabled" value="1">`}<button class="btn sec small">${t(r.enabled ? 'admin.rules.switch_off' : 'admin.rules.switch_on')}<span class="visually-hidden">: ${r.name}</span></button></form></td></tr>`,
  )}</tbody></table>
<section class="card" aria-labelledby="new-rule"><h2 id="new-rule">${t('admin.rules.new')}</h2>
<form method="post" action="/console/admin/rules" novalidate>
${textField(ctx.language, { name: 'name', label: t('admin.templates.name'), value: values.name, maxlength: 200, errors })}
${textField(ctx.language, { name: 'keywords', label: t('admin.rules.keywords'), hint: t('admin.rules.keywords_hint'), value: values.keywords, multiline: true, maxlength: 2000, errors })}
${selectField(ctx.language, { name: 'agency', label: t('admin.rules.agency'), choices: [{ value: '', label: t('admin.rules.no_agency') }, ...view.agencies.map((a) => ({ value: a.code, label: a.name }))], value: values.agency, errors })}
${selectField(ctx.language, { name: 'priority', label: t('admin.rules.priority'), choices: [{ value: '', label: t('admin.rules.no_priority') }, ...PRIORITIES.map((p) => ({ value: p, label: t(`priorities.${p}`) }))], value: values.priority, errors })}
<div class="choice"><input type="checkbox" id="f-sealed" name="sealed" value="1" ${values.sealed ? html`checked` : ''}><label for="f-sealed">${t('admin.rules.sealed')}</label></div>
<button class="btn">${t('admin.rules.create')}</button>
</form></section>`;
  return adminPage(ctx, t('admin.rules.title'), body, { errors, flash: view.flash });
}
