import type { ArticleContent, ArticleText, Language } from '../../db/schema.ts';
import type { FieldProblem } from '../errors.ts';
import { smsLength } from '../messages/sms-length.ts';

/*
 * What an article must be, in each language, to work on every channel: a web page, one SMS, and
 * USSD screens that fit with the menu's own lines. The same rules hold for the shipped articles
 * (reference/knowledge/FORMAT.md) and for what staff write in the console.
 */

export const ARTICLE_LIMITS = {
  title: 70,
  summary: 200,
  /** Characters of the web form; long enough for any how-to, short enough to read on a phone. */
  body: 6000,
  /** One SMS in GSM-7. */
  sms: 160,
  /** Characters of a USSD screen's text: 182 less "98. More" and "0. Back" and their line breaks. */
  ussdScreen: 150,
  ussdScreens: 4,
  keywords: 8,
  keyword: 40,
} as const;

export const LANGUAGES: readonly Language[] = ['en', 'sw'];

/** The problems with one article's content, each naming its field as `en.title`, `sw.ussd.2`, ... */
export function contentProblems(content: ArticleContent): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const language of LANGUAGES) {
    const text = content[language];
    const at = (field: string) => `${language}.${field}`;
    if (!text) {
      problems.push({ field: language, problem: 'the article needs both English and Kiswahili' });
      continue;
    }
    const within = (field: 'title' | 'summary' | 'body', min: number) => {
      const length = text[field].trim().length;
      if (length < min || length > ARTICLE_LIMITS[field]) {
        problems.push({
          field: at(field),
          problem: `between ${min} and ${ARTICLE_LIMITS[field]} characters`,
        });
      }
    };
    within('title', 3);
    within('summary', 10);
    within('body', 20);
    if (/<[a-z!/]/i.test(text.body)) {
      problems.push({
        field: at('body'),
        problem: 'no HTML: write Markdown (## headings, - lists, **bold**, [links](https://...))',
      });
    }
    const sms = smsLength(text.sms.trim());
    if (text.sms.trim().length < 10 || sms.encoding !== 'gsm7' || sms.units > ARTICLE_LIMITS.sms) {
      problems.push({
        field: at('sms'),
        problem: `one SMS: 10 to ${ARTICLE_LIMITS.sms} characters, plain letters, digits and punctuation (no curly quotes or emoji)`,
      });
    }
    const screens = text.ussd.map((screen) => screen.trim()).filter((screen) => screen !== '');
    if (screens.length === 0 || screens.length > ARTICLE_LIMITS.ussdScreens) {
      problems.push({ field: at('ussd'), problem: `1 to ${ARTICLE_LIMITS.ussdScreens} USSD screens` });
    }
    screens.forEach((screen, index) => {
      const length = smsLength(screen);
      if (length.encoding !== 'gsm7' || length.units > ARTICLE_LIMITS.ussdScreen) {
        problems.push({
          field: at(`ussd.${index + 1}`),
          problem: `a USSD screen: at most ${ARTICLE_LIMITS.ussdScreen} characters, plain letters, digits and punctuation`,
        });
      }
    });
    if (
      text.keywords.length > ARTICLE_LIMITS.keywords ||
      text.keywords.some((keyword) => keyword.trim().length === 0 || keyword.length > ARTICLE_LIMITS.keyword)
    ) {
      problems.push({
        field: at('keywords'),
        problem: `at most ${ARTICLE_LIMITS.keywords} keywords of at most ${ARTICLE_LIMITS.keyword} characters`,
      });
    }
  }
  return problems;
}

/** Trimmed, empty USSD screens and keywords dropped: what is stored. */
export function tidyContent(content: ArticleContent): ArticleContent {
  const tidy = (text: ArticleText): ArticleText => ({
    title: text.title.trim(),
    summary: text.summary.trim(),
    body: text.body.trim().replace(/\r\n/g, '\n'),
    sms: text.sms.trim(),
    ussd: text.ussd.map((screen) => screen.trim()).filter((screen) => screen !== ''),
    keywords: text.keywords.map((keyword) => keyword.trim()).filter((keyword) => keyword !== ''),
  });
  return { en: tidy(content.en), sw: tidy(content.sw) };
}
