import { escapeHtml as e } from '../../web/html.ts';
import { formatReference } from '../cases/reference.ts';
import { formatDate, LETTER_CSS } from './referral-letter.ts';

/*
 * The one page an agency that is not on Baraza sees: where it acknowledges a referral, in English
 * and Kiswahili at once (the officer reading it may prefer either). A plain HTML form that works
 * with no script; it loads nothing from elsewhere.
 */

type Both = { en: string; sw: string };

export type AcknowledgementPage =
  | {
      kind: 'form';
      /** The code from the link; without it the page asks for the code printed on the letter. */
      token?: string | undefined;
      referral?: { reference: string; agencyName: string } | undefined;
      problem?: Both | undefined;
      values?: { name?: string | undefined; note?: string | undefined } | undefined;
    }
  | {
      kind: 'acknowledged';
      referral: { reference: string; agencyName: string; acknowledgedAt: Date; acknowledgedBy: string };
      /** True right after this person acknowledged; false when it had been acknowledged before. */
      firstTime: boolean;
    };

export const PROBLEMS = {
  unknownCode: {
    en: 'No referral has this acknowledgement code. Check it against the letter, or ask the clearing house for a new one.',
    sw: 'Hakuna barua ya kuwasilisha kesi yenye nambari hii ya uthibitisho. Ilinganishe na barua, au omba kituo cha uratibu kikupe nyingine.',
  },
  nameMissing: {
    en: 'Give the name of the person acknowledging.',
    sw: 'Andika jina la mtu anayethibitisha.',
  },
  tooLong: {
    en: 'The name may have at most 120 characters and the note at most 2,000.',
    sw: 'Jina lisizidi herufi 120 na maelezo yasizidi herufi 2,000.',
  },
} satisfies Record<string, Both>;

const T = {
  title: { en: 'Acknowledge a referral', sw: 'Thibitisha kupokea kesi' },
  intro: {
    en: 'Baraza, the Government of Kenya’s citizen feedback service, referred a citizen’s case to your office. Confirm here that it reached you; the citizen will be told.',
    sw: 'Baraza, huduma ya Serikali ya Kenya ya kupokea maoni ya wananchi, iliwasilisha kesi ya mwananchi kwa ofisi yenu. Thibitisheni hapa kwamba imewafikia; mwananchi atajulishwa.',
  },
  reference: { en: 'Case reference', sw: 'Nambari ya kumbukumbu ya kesi' },
  agency: { en: 'Referred to', sw: 'Imewasilishwa kwa' },
  code: { en: 'Acknowledgement code (on the letter)', sw: 'Nambari ya uthibitisho (iko kwenye barua)' },
  codeHint: { en: 'For example ABCD-EFGH-JKMN-PQRS', sw: 'Kwa mfano ABCD-EFGH-JKMN-PQRS' },
  name: { en: 'Your name and position', sw: 'Jina lako na cheo chako' },
  note: { en: 'Note for the clearing house (optional)', sw: 'Maelezo kwa kituo cha uratibu (si lazima)' },
  submit: { en: 'Acknowledge', sw: 'Thibitisha' },
  done: {
    en: 'Thank you. The referral is acknowledged and the clearing house will tell the citizen.',
    sw: 'Asante. Kupokelewa kwa kesi kumethibitishwa na kituo cha uratibu kitamjulisha mwananchi.',
  },
  before: {
    en: 'This referral was already acknowledged.',
    sw: 'Kupokelewa kwa kesi hii kulikwisha kuthibitishwa.',
  },
  by: { en: 'Acknowledged by', sw: 'Imethibitishwa na' },
  on: { en: 'On', sw: 'Tarehe' },
} satisfies Record<string, Both>;

const both = (text: Both, tag = 'p') =>
  `<${tag}>${e(text.en)}</${tag}>\n<${tag} lang="sw">${e(text.sw)}</${tag}>`;
const label = (text: Both) => `${e(text.en)} / <span lang="sw">${e(text.sw)}</span>`;

export function renderAcknowledgementPage(page: AcknowledgementPage): string {
  const body = page.kind === 'acknowledged' ? acknowledged(page) : form(page);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(`${T.title.en} / ${T.title.sw}`)} · Baraza</title>
<style>${LETTER_CSS}${FORM_CSS}</style>
</head>
<body>
<main>
<p class="org">Baraza</p>
<h1>${e(T.title.en)} <span class="sw" lang="sw">${e(T.title.sw)}</span></h1>
${body}
</main>
</body>
</html>
`;
}

function facts(referral: { reference: string; agencyName: string }): string {
  return `<dl class="facts">
<dt>${label(T.reference)}</dt><dd>${e(formatReference(referral.reference))}</dd>
<dt>${label(T.agency)}</dt><dd>${e(referral.agencyName)}</dd>
</dl>`;
}

function form(page: Extract<AcknowledgementPage, { kind: 'form' }>): string {
  const problem = page.problem
    ? `<div class="problem" role="alert" id="problem">\n${both(page.problem)}\n</div>`
    : '';
  const describedBy = page.problem ? ' aria-describedby="problem"' : '';
  const codeField = page.token
    ? `<input type="hidden" name="token" value="${e(page.token)}">`
    : `<p><label for="token">${label(T.code)}</label><br>
<span class="hint" id="token-hint">${label(T.codeHint)}</span><br>
<input id="token" name="token" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40" aria-describedby="token-hint"${page.problem === PROBLEMS.unknownCode ? ' aria-invalid="true"' : ''}></p>`;
  return `${problem}
${both(T.intro)}
${page.referral ? facts(page.referral) : ''}
<form method="post" action="/referrals/acknowledge"${describedBy}>
${codeField}
<p><label for="name">${label(T.name)}</label><br>
<input id="name" name="name" required maxlength="120" autocomplete="name" value="${e(page.values?.name ?? '')}"></p>
<p><label for="note">${label(T.note)}</label><br>
<textarea id="note" name="note" rows="4" maxlength="2000">${e(page.values?.note ?? '')}</textarea></p>
<p><button type="submit">${label(T.submit)}</button></p>
</form>`;
}

function acknowledged(page: Extract<AcknowledgementPage, { kind: 'acknowledged' }>): string {
  const { referral } = page;
  return `<div role="status">
${both(page.firstTime ? T.done : T.before)}
</div>
${facts(referral)}
<dl class="facts">
<dt>${label(T.by)}</dt><dd>${e(referral.acknowledgedBy)}</dd>
<dt>${label(T.on)}</dt><dd>${e(formatDate(referral.acknowledgedAt, 'en'))} / <span lang="sw">${e(formatDate(referral.acknowledgedAt, 'sw'))}</span></dd>
</dl>`;
}

const FORM_CSS = `
label { font-weight: 600; }
.hint { font-size: 0.9rem; color: #444; }
input, textarea { font: inherit; width: 100%; max-width: 32rem; padding: 0.5rem; border: 2px solid #555; border-radius: 4px; box-sizing: border-box; }
input:focus, textarea:focus, button:focus { outline: 3px solid #f9a825; outline-offset: 2px; }
button { font: 600 1rem/1.2 system-ui, sans-serif; padding: 0.7rem 1.4rem; background: #0b3d91; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.problem { border-left: 5px solid #b00020; background: #fdecee; padding: 0.5rem 1rem; margin-bottom: 1rem; }
[role="status"] { border-left: 5px solid #1b5e20; background: #e8f5e9; padding: 0.5rem 1rem; margin-bottom: 1rem; }
`;
