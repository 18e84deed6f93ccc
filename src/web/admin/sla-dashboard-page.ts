import { DateTime } from 'luxon';
import { formatReference } from '../../core/cases/reference.ts';
import type { CheckReport } from '../../core/sla/check-nothing-falls-through.ts';
import type { AgencyLoad } from '../../core/sla/summarise-open-cases.ts';
import type { Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { html, raw } from '../html.ts';

export interface SlaDashboardView {
  language: Language;
  /** Each agency's open cases, with its display name. */
  loads: (AgencyLoad & { agencyName: string; agencyCode: string | null })[];
  check: CheckReport | undefined;
  /** Where this page lives, for the language switch and the form. */
  path: string;
}

const COUNTS = [
  'open',
  'overdue',
  'dueSoon',
  'escalated',
  'unassigned',
  'awaitingCitizen',
  'undated',
] as const;

/*
 * System-wide colours meet WCAG 2.2 AA contrast on white (4.5:1 or more); the focus ring is
 * visible on every control; the tables have captions and header scopes; nothing needs JavaScript.
 */
const CSS = raw(`
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
  header, main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
  header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
  h1 { font-size: 1.5rem; margin: 0; }
  h2 { font-size: 1.2rem; margin-top: 2rem; }
  a, button { color: #0b4f8a; }
  a:focus, button:focus { outline: 3px solid #b35900; outline-offset: 2px; }
  .skip { position: absolute; left: -999px; }
  .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .75rem; padding: 0; list-style: none; }
  .tiles li { border: 1px solid #8a8a8a; border-radius: 4px; padding: .75rem; }
  .tiles strong { display: block; font-size: 1.6rem; }
  .alert strong { color: #a4000f; }
  table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th, td { border-bottom: 1px solid #8a8a8a; padding: .4rem .5rem; text-align: left; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  form { margin-top: 1.5rem; }
  button { font: inherit; padding: .5rem 1rem; border: 2px solid #0b4f8a; border-radius: 4px; background: #fff; cursor: pointer; min-height: 44px; }
  .ok { color: #1e6b1e; }
  .bad { color: #a4000f; }
`);

export function renderSlaDashboard(view: SlaDashboardView) {
  const t = translator(view.language);
  const other = view.language === 'en' ? 'sw' : 'en';
  const total = Object.fromEntries(
    COUNTS.map((key) => [key, view.loads.reduce((sum, load) => sum + load[key], 0)]),
  ) as Record<(typeof COUNTS)[number], number>;
  const check = view.check;
  const ranAt = check
    ? DateTime.fromJSDate(check.ranAt, { zone: 'Africa/Nairobi' }).toFormat('yyyy-MM-dd HH:mm')
    : '';
  return html`<!doctype html>
<html lang="${view.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('slaDashboard.title')} · Baraza</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#summary">${t('slaDashboard.skip')}</a>
<header>
  <h1>${t('slaDashboard.title')}</h1>
  <a href="${view.path}?lang=${other}" lang="${other}" hreflang="${other}">${t('slaDashboard.language')}</a>
</header>
<main>
  <h2 id="summary">${t('slaDashboard.summary')}</h2>
  <ul class="tiles">
    ${COUNTS.map(
      (key) =>
        html`<li class="${(key === 'overdue' || key === 'undated') && total[key] > 0 ? 'alert' : ''}"><strong>${total[key]}</strong>${t(`slaDashboard.${key}`)}</li>`,
    )}
  </ul>

  <table>
    <caption>${t('slaDashboard.byAgency')}</caption>
    <thead><tr><th scope="col">${t('slaDashboard.agency')}</th>${COUNTS.map(
      (key) => html`<th scope="col" class="n">${t(`slaDashboard.${key}`)}</th>`,
    )}</tr></thead>
    <tbody>
    ${
      view.loads.length === 0
        ? html`<tr><td colspan="${COUNTS.length + 1}">${t('slaDashboard.none')}</td></tr>`
        : view.loads.map(
            (load) =>
              html`<tr><th scope="row">${load.agencyName}${load.agencyCode ? ` (${load.agencyCode})` : ''}</th>${COUNTS.map(
                (key) => html`<td class="n">${load[key]}</td>`,
              )}</tr>`,
          )
    }
    </tbody>
  </table>

  <h2>${t('slaDashboard.check')}</h2>
  ${
    check
      ? html`<p>${t('slaDashboard.checkRan', {
          at: ranAt,
          open: check.openCases,
          found: check.findings.length,
          repaired: check.repaired,
          unrepaired: check.unrepaired,
        })}</p>
    ${
      check.findings.length === 0
        ? html`<p class="ok">${t('slaDashboard.checkClean')}</p>`
        : html`<table>
      <caption>${t('slaDashboard.found')}</caption>
      <thead><tr><th scope="col">${t('slaDashboard.reference')}</th><th scope="col">${t('slaDashboard.problem')}</th><th scope="col">${t('slaDashboard.clock')}</th><th scope="col">${t('slaDashboard.outcome')}</th></tr></thead>
      <tbody>${check.findings.map(
        (f) =>
          html`<tr><td>${formatReference(f.reference)}</td><td>${t(`slaDashboard.problems.${f.problem}`)}</td><td>${f.clock ?? ''}</td><td class="${f.repaired ? 'ok' : 'bad'}">${
            f.repaired
              ? t('slaDashboard.repaired')
              : t('slaDashboard.notRepaired', { detail: f.detail ?? '' })
          }</td></tr>`,
      )}</tbody>
    </table>`
    }`
      : html`<p>${t('slaDashboard.checkNever')}</p>`
  }
  <form method="post" action="${view.path}/check?lang=${view.language}">
    <button type="submit">${t('slaDashboard.runNow')}</button>
  </form>
</main>
</body>
</html>
`;
}
