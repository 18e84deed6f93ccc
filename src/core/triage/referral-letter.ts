import type { CaseType, Language } from '../../db/schema.ts';
import { escapeHtml } from '../../web/html.ts';
import { formatReference } from '../cases/reference.ts';
import { formatReferralToken } from './referral-token.ts';

/** What a referral letter says; the citizen's phone and e-mail are never part of it. */
export interface ReferralLetter {
  referralId: string;
  reference: string;
  createdAt: Date;
  agencyName: string;
  clearingHouse: { name: string; nameSw: string | null };
  officerName: string;
  caseType: CaseType;
  language: Language;
  title: string | null;
  description: string;
  /** Only when the citizen gave a name and did not submit anonymously. */
  citizenName: string | null;
  county: string | null;
  note: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface RenderedLetter {
  subject: string;
  html: string;
  text: string;
}

/** A text in both languages; the letter always carries both, English first. */
type Both = { en: string; sw: string };

const CASE_TYPES: Record<CaseType, Both> = {
  complaint: { en: 'Complaint', sw: 'Malalamiko' },
  concern: { en: 'Concern', sw: 'Wasiwasi' },
  suggestion: { en: 'Suggestion', sw: 'Pendekezo' },
  compliment: { en: 'Compliment', sw: 'Pongezi' },
  inquiry: { en: 'Inquiry', sw: 'Swali' },
  service_request: { en: 'Service request', sw: 'Ombi la huduma' },
  corruption_report: { en: 'Corruption report', sw: 'Ripoti ya ufisadi' },
};

const T = {
  title: { en: "Referral of a citizen's case", sw: 'Kuwasilishwa kwa kesi ya mwananchi' },
  republic: { en: 'Republic of Kenya', sw: 'Jamhuri ya Kenya' },
  reference: { en: 'Case reference', sw: 'Nambari ya kumbukumbu ya kesi' },
  date: { en: 'Date', sw: 'Tarehe' },
  to: { en: 'To', sw: 'Kwa' },
  from: { en: 'From', sw: 'Kutoka' },
  type: { en: 'Type', sw: 'Aina' },
  county: { en: 'County', sw: 'Kaunti' },
  name: { en: "Citizen's name", sw: 'Jina la mwananchi' },
  noName: { en: 'Not given', sw: 'Halikutolewa' },
  message: { en: "The citizen's message", sw: 'Ujumbe wa mwananchi' },
  note: { en: 'Note from the clearing house', sw: 'Maelezo kutoka kituo cha uratibu' },
  acknowledge: { en: 'Please acknowledge receipt', sw: 'Tafadhali thibitisha kupokea' },
  code: { en: 'Acknowledgement code', sw: 'Nambari ya uthibitisho' },
  noCode: {
    en: 'The code is printed only on the first copy of this letter and in its e-mail. If it is lost, ask the clearing house for a new one.',
    sw: 'Nambari hii huchapishwa kwenye nakala ya kwanza ya barua hii na kwenye barua pepe yake pekee. Ikipotea, omba kituo cha uratibu kikupe nyingine.',
  },
  acknowledged: { en: 'Acknowledged', sw: 'Imethibitishwa' },
} satisfies Record<string, Both>;

const intro = (agency: string, clearingHouse: Both): Both => ({
  en: `Baraza, the Government of Kenya's citizen feedback service, received the message below. It concerns ${agency}, which does not use Baraza yet, so the ${clearingHouse.en} refers it to you for action. The case stays open with the clearing house until the citizen has been told what happens next.`,
  sw: `Baraza, huduma ya Serikali ya Kenya ya kupokea maoni ya wananchi, ilipokea ujumbe ulio hapa chini. Unahusu ${agency}, ambayo bado haitumii Baraza, hivyo ${clearingHouse.sw} kinauwasilisha kwenu ili mchukue hatua. Kesi hii itabaki wazi katika kituo cha uratibu hadi mwananchi ajulishwe hatua inayofuata.`,
});

const askToAcknowledge = (formUrl: string): Both => ({
  en: `Please confirm that your office has received this referral by opening the link below, or by going to ${formUrl} and typing the acknowledgement code. The citizen will be told that their case has reached you. Their contact details are not shared: quote the case reference in any reply to the clearing house.`,
  sw: `Tafadhali thibitisheni kwamba ofisi yenu imepokea barua hii kwa kufungua kiungo kilicho hapa chini, au kwa kwenda ${formUrl} na kuandika nambari ya uthibitisho. Mwananchi ataarifiwa kwamba kesi yake imewafikia. Mawasiliano yake hayatolewi: tajeni nambari ya kumbukumbu ya kesi katika jibu lolote kwa kituo cha uratibu.`,
});

export const acknowledgementFormUrl = (publicUrl: string) => `${publicUrl}/referrals/acknowledge`;

export const acknowledgementLink = (publicUrl: string, token: string) =>
  `${acknowledgementFormUrl(publicUrl)}?token=${encodeURIComponent(token)}`;

export function formatDate(date: Date, language: Language): string {
  return new Intl.DateTimeFormat(language === 'sw' ? 'sw-KE' : 'en-KE', {
    dateStyle: 'long',
    timeZone: 'Africa/Nairobi',
  }).format(date);
}

/**
 * The letter as a printable HTML page and as plain text for the e-mail, both languages on the same
 * letter. The acknowledgement code appears only when the caller has it (it is never stored).
 */
export function renderReferralLetter(
  letter: ReferralLetter,
  options: { publicUrl: string; token?: string | undefined },
): RenderedLetter {
  const reference = formatReference(letter.reference);
  const formUrl = acknowledgementFormUrl(options.publicUrl);
  const link = options.token ? acknowledgementLink(options.publicUrl, options.token) : undefined;
  const code = options.token ? formatReferralToken(options.token) : undefined;
  const date: Both = { en: formatDate(letter.createdAt, 'en'), sw: formatDate(letter.createdAt, 'sw') };
  const clearingHouse: Both = {
    en: letter.clearingHouse.name,
    sw: letter.clearingHouse.nameSw ?? letter.clearingHouse.name,
  };
  const from = `${clearingHouse.en} (${letter.officerName})`;
  const subject = `${T.title.en} ${reference}: ${letter.agencyName} / ${T.title.sw} ${reference}`;
  const message = letter.title ? `${letter.title}\n\n${letter.description}` : letter.description;
  const facts: [Both, string][] = [
    [T.reference, reference],
    [T.date, `${date.en} / ${date.sw}`],
    [T.to, letter.agencyName],
    [T.from, from],
  ];
  const caseFacts: [Both, string][] = [
    [T.type, `${CASE_TYPES[letter.caseType].en} / ${CASE_TYPES[letter.caseType].sw}`],
    [T.name, letter.citizenName ?? `${T.noName.en} / ${T.noName.sw}`],
    ...(letter.county ? [[T.county, letter.county] as [Both, string]] : []),
  ];
  const acknowledged = letter.acknowledgedAt
    ? `${formatDate(letter.acknowledgedAt, 'en')} / ${formatDate(letter.acknowledgedAt, 'sw')}${letter.acknowledgedBy ? `: ${letter.acknowledgedBy}` : ''}`
    : undefined;
  const welcome = intro(letter.agencyName, clearingHouse);
  const ask = askToAcknowledge(formUrl);

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${T.title.en} ${reference} / ${T.title.sw} ${reference}`)}</title>
<style>${LETTER_CSS}</style>
</head>
<body>
<main>
<header>
<p class="org">Baraza · ${e(T.republic.en)} / <span lang="sw">${e(T.republic.sw)}</span></p>
<h1>${e(T.title.en)} <span class="sw" lang="sw">${e(T.title.sw)}</span></h1>
</header>
<dl class="facts">
${facts.map(([label, value]) => `<dt>${bilingual(label)}</dt><dd>${e(value)}</dd>`).join('\n')}
</dl>
<p>${e(welcome.en)}</p>
<p lang="sw">${e(welcome.sw)}</p>
<section aria-labelledby="message">
<h2 id="message">${bilingual(T.message)}</h2>
<dl class="facts">
${caseFacts.map(([label, value]) => `<dt>${bilingual(label)}</dt><dd>${e(value)}</dd>`).join('\n')}
</dl>
<blockquote lang="${letter.language}">${e(message)}</blockquote>
</section>
<section aria-labelledby="note">
<h2 id="note">${bilingual(T.note)}</h2>
<p class="note">${e(letter.note)}</p>
</section>
<section aria-labelledby="acknowledge" class="acknowledge">
<h2 id="acknowledge">${bilingual(T.acknowledge)}</h2>
${
  acknowledged
    ? `<p><strong>${bilingual(T.acknowledged)}:</strong> ${e(acknowledged)}</p>`
    : `<p>${e(ask.en)}</p>
<p lang="sw">${e(ask.sw)}</p>
${
  link && code
    ? `<p class="link"><a href="${e(link)}">${e(link)}</a></p>
<p>${bilingual(T.code)}: <strong class="code">${e(code)}</strong></p>`
    : `<p>${e(T.noCode.en)}</p>
<p lang="sw">${e(T.noCode.sw)}</p>`
}`
}
</section>
<footer><p>${e(clearingHouse.en)} / <span lang="sw">${e(clearingHouse.sw)}</span> · ${e(reference)}</p></footer>
</main>
</body>
</html>
`;

  const line = (label: Both, value: string) => `${label.en} / ${label.sw}: ${value}`;
  const text = [
    `${T.title.en} / ${T.title.sw}`,
    '',
    ...facts.map(([label, value]) => line(label, value)),
    '',
    welcome.en,
    '',
    welcome.sw,
    '',
    `${T.message.en} / ${T.message.sw}`,
    ...caseFacts.map(([label, value]) => line(label, value)),
    '',
    message,
    '',
    `${T.note.en} / ${T.note.sw}`,
    letter.note,
    '',
    `${T.acknowledge.en} / ${T.acknowledge.sw}`,
    ...(acknowledged
      ? [line(T.acknowledged, acknowledged)]
      : [
          ask.en,
          '',
          ask.sw,
          '',
          ...(link && code ? [link, line(T.code, code)] : [T.noCode.en, T.noCode.sw]),
        ]),
    '',
    `${clearingHouse.en} / ${clearingHouse.sw} · ${reference}`,
  ].join('\n');

  return { subject, html, text };
}

const bilingual = (text: Both) => `${e(text.en)} / <span lang="sw">${e(text.sw)}</span>`;

const e = escapeHtml;

/** Self-contained: the letter loads nothing from elsewhere, so it prints the same offline. */
export const LETTER_CSS = `
:root { color-scheme: light; }
body { font: 16px/1.5 Georgia, 'Times New Roman', serif; color: #111; background: #fff; margin: 0; }
main { max-width: 44rem; margin: 0 auto; padding: 2rem 1.5rem; }
.org { font: 600 0.9rem/1.4 system-ui, sans-serif; letter-spacing: 0.04em; text-transform: uppercase; color: #333; }
h1 { font-size: 1.6rem; margin: 0.25rem 0 1.5rem; }
h1 .sw { display: block; font-size: 1.2rem; font-weight: normal; color: #333; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid #999; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
blockquote { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.5rem 0; padding: 0.75rem 1rem; border-left: 4px solid #555; background: #f4f4f4; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; }
.link { overflow-wrap: anywhere; }
a { color: #0b3d91; }
.code { font: 700 1.4rem/1.2 'Courier New', monospace; letter-spacing: 0.12em; }
footer { margin-top: 2.5rem; font-size: 0.85rem; color: #444; }
@page { size: A4; margin: 18mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: #000; }
  blockquote { background: none; }
  section { break-inside: avoid; }
}
`;
