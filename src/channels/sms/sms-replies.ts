import { formatReference } from '../../core/cases/reference.ts';
import { fitSms, MAX_SMS_PARTS, smsLength } from '../../core/messages/sms-length.ts';
import type { CaseStatus, Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';

/*
 * Every reply the SMS channel sends, in the citizen's language (src/i18n/sms-*.json), and each
 * within three SMS parts (core/messages/sms-length.ts). Only the part that can grow is shortened:
 * an agency's name, an answer from the knowledge base, a list of questions, the words the citizen
 * sent; never the reference, the PIN, a link or what to send next. Pure, so a test can render them all.
 */

export type SmsReply =
  | { kind: 'help' }
  | { kind: 'created'; reference: string; pin: string; resolveBy: Date | null }
  | { kind: 'answered'; reference: string }
  | { kind: 'status'; reference: string; status: CaseStatus; agency: string; dueAt: Date | null }
  | { kind: 'status_hidden'; reference: string }
  | { kind: 'status_no_reference' }
  /** `problem` is the catalogue key (and values) of what is wrong with the reference typed. */
  | { kind: 'status_bad_reference'; problem: { id: string; values?: Record<string, string | number> } }
  | { kind: 'opted_out' }
  | { kind: 'opted_in' }
  | { kind: 'info_coming' }
  /** The best answer to the words sent: its SMS form, and a link to its page on the portal. */
  | { kind: 'info_answer'; title: string; answer: string; slug: string }
  /** INFO alone: how to ask, and the common questions' titles. */
  | { kind: 'info_help'; topics: string[] }
  | { kind: 'info_unknown'; words: string }
  /** NO <reference>: the automatic answer did not help; an officer takes the question. */
  | { kind: 'not_helped'; reference: string }
  /** NO <reference> for a case of another phone, or one not (or no longer) answered automatically. */
  | { kind: 'not_helped_refused'; reference: string }
  | { kind: 'too_short' }
  | { kind: 'too_long'; max: number };

export interface ReplyContext {
  /** Where the portal is, for "see it at ...". */
  portal: string;
}

export function renderSmsReply(reply: SmsReply, language: Language, context: ReplyContext): string {
  const t = translator(language);
  const s = (key: string, values: Record<string, string | number> = {}) => t(`sms.${key}`, values);
  const portal = context.portal.replace(/^https?:\/\//, '');
  switch (reply.kind) {
    case 'help':
      return s('help', { portal });
    case 'created': {
      const reference = formatReference(reply.reference);
      return [
        s('created', { reference, pin: reply.pin }),
        ...(reply.resolveBy ? [s('created_due', { date: smsDate(reply.resolveBy, language) })] : []),
        s('created_track', { reference }),
      ].join(' ');
    }
    case 'answered':
      return s('answered', { reference: formatReference(reply.reference) });
    case 'not_helped':
      return s('not_helped', { reference: formatReference(reply.reference) });
    case 'not_helped_refused':
      return s('not_helped_refused', { reference: formatReference(reply.reference), portal });
    case 'status': {
      const next =
        reply.status === 'awaiting_citizen'
          ? s('status_awaiting')
          : reply.dueAt
            ? s('status_due', { date: smsDate(reply.dueAt, language) })
            : '';
      const fixed = [
        s('status', { reference: formatReference(reply.reference), status: t(`status.${reply.status}`) }),
        next,
      ]
        .filter(Boolean)
        .join(' ');
      if (!reply.agency) return fixed;
      return fitSms(
        (agency) => (agency ? `${fixed} ${s('status_agency', { agency })}` : fixed),
        reply.agency,
      );
    }
    case 'status_hidden':
      return s('status_hidden', { reference: formatReference(reply.reference), portal });
    case 'status_no_reference':
      return s('status_no_reference');
    case 'status_bad_reference':
      return s('status_bad_reference', {
        problem: t(`errors.${reply.problem.id}`, reply.problem.values ?? {}),
      });
    case 'opted_out':
    case 'opted_in':
    case 'info_coming':
    case 'too_short':
      return s(reply.kind);
    case 'info_answer': {
      const title = shortened(reply.title, TITLE_LIMIT);
      const link = `${context.portal}/help/${encodeURIComponent(reply.slug)}`;
      return fitSms((answer) => s('info_answer', { title, answer, link }), reply.answer);
    }
    case 'info_help':
      return wholeItems((topics) => s('info_help', { topics }), reply.topics, '\n');
    case 'info_unknown':
      return s('info_unknown', { words: shortened(reply.words, WORDS_ECHO), portal });
    case 'too_long':
      return s('too_long', { max: reply.max });
  }
}

/** How much of what the citizen typed is said back to them. */
const WORDS_ECHO = 40;
/** An answer's title, as the knowledge base allows it (core/knowledge/article-content.ts). */
const TITLE_LIMIT = 70;

/** As many of the items as fit in three parts, whole, in their order. */
function wholeItems(render: (list: string) => string, items: readonly string[], separator: string): string {
  let fitting = '';
  for (const item of items) {
    const longer = fitting === '' ? item : `${fitting}${separator}${item}`;
    if (smsLength(render(longer)).parts > MAX_SMS_PARTS) break;
    fitting = longer;
  }
  return render(fitting);
}

const shortened = (text: string, length: number) =>
  text.length <= length ? text : `${text.slice(0, length - 3)}...`;

// Made once: building a DateTimeFormat costs far more than formatting with one.
const DAY_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-KE', { dateStyle: 'medium', timeZone: 'Africa/Nairobi' }),
  sw: new Intl.DateTimeFormat('sw-KE', { dateStyle: 'medium', timeZone: 'Africa/Nairobi' }),
};

/** A day as people in Kenya write it, in Kenya's time: "12 Dec 2026". */
export function smsDate(at: Date, language: Language): string {
  return DAY_FORMATS[language].format(at);
}
