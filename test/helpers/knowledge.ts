import type { ArticleContent } from '../../src/db/schema.ts';

/** A small article that fits every channel, in both languages, titled `title` (English). */
export const articleContent = (title: string): ArticleContent => ({
  en: {
    title,
    summary: 'How to renew a fishing licence at the county office.',
    body: '## Steps\n1. Bring your old licence.\n2. Pay at the counter.',
    sms: 'Renew a fishing licence at the county office with your old licence.',
    ussd: ['Renew a fishing licence at the county office.', 'Bring your old licence.'],
    keywords: ['fishing permit'],
  },
  sw: {
    title: `${title} (sw)`,
    summary: 'Jinsi ya kuhuisha leseni ya uvuvi katika ofisi ya kaunti.',
    body: '## Hatua\n1. Leta leseni yako ya zamani.\n2. Lipa kaunta.',
    sms: 'Huisha leseni ya uvuvi katika ofisi ya kaunti ukiwa na leseni ya zamani.',
    ussd: ['Huisha leseni ya uvuvi katika ofisi ya kaunti.'],
    keywords: ['kibali cha uvuvi'],
  },
});
