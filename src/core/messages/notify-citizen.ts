import type { Db } from '../../db/open-database.ts';
import type { CaseRow, Language, OutboundChannel } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import type { Actor, NewEvent } from '../events/append-events.ts';
import { isOptedOut } from './opt-outs.ts';
import { queueMessage } from './queue-message.ts';
import { fitSms } from './sms-length.ts';

/*
 * What the citizen hears, and when: on acknowledgement, a request for information, a public
 * response, resolution (or an automatic answer, with how to say it did not help), closure, and the SLA's interim update and escalation. Each notice is
 * queued in the outbox in the transaction that writes its event, keyed by the case and the event's
 * sequence number, so an event that happened is told exactly once and one that was rolled back is
 * never told. The outbox sends it, retries and gives up visibly (deliver-messages.ts).
 *
 * Not told: what the citizen did themselves, anything about a sealed corruption report (an SMS on a
 * shared phone could expose the person who reported), and a channel the citizen opted out of.
 */

export const NOTICE_KINDS = [
  'acknowledged',
  'info_requested',
  'responded',
  'resolved',
  'auto_answered',
  'closed',
  'closed_no_reply',
  'interim_update',
  'escalated',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  kind: NoticeKind;
  /** The event's sequence number in the case's stream. */
  seq: number;
  /** Staff's words to the citizen, when the event carries them. */
  message?: string | undefined;
}

type Data = Record<string, unknown>;
const statusAfter = (data: Data) => ((data.after as Data | undefined)?.status as string | undefined) ?? null;
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** The notices a change's events call for, in the order they happened. */
export function noticesFor(events: readonly NewEvent[], seqs: readonly number[]): Notice[] {
  const notices: Notice[] = [];
  events.forEach((event, i) => {
    const seq = seqs[i];
    if (seq === undefined) return;
    const data = event.data;
    if (event.kind === 'case.responded') {
      notices.push({ kind: 'responded', seq, message: text(data.message) });
    } else if (event.kind === 'case.status_changed') {
      const after = statusAfter(data);
      if (after === 'acknowledged') notices.push({ kind: 'acknowledged', seq });
      else if (after === 'awaiting_citizen')
        notices.push({ kind: 'info_requested', seq, message: text(data.message) });
      else if (after === 'resolved')
        notices.push({
          kind: data.automatic ? 'auto_answered' : 'resolved',
          seq,
          message: text(data.message),
        });
      else if (after === 'closed')
        notices.push({ kind: data.reason === 'no_citizen_reply' ? 'closed_no_reply' : 'closed', seq });
    } else if (event.kind === 'sla.breached' && data.clock === 'interim_update') {
      notices.push({ kind: 'interim_update', seq });
    } else if (event.kind === 'case.escalated') {
      notices.push({ kind: 'escalated', seq });
    }
  });
  return notices;
}

export interface NoticeContext {
  /** The case as the change leaves it. */
  kase: Pick<CaseRow, 'id' | 'reference' | 'citizenId' | 'channel' | 'language' | 'sealed'>;
  /** The agency's name in each language. */
  agency: { name: string; nameSw: string | null };
  actor: Actor;
  now: Date;
}

/**
 * Queues the notices in `trx`, the transaction that wrote their events. Answers the ids of the
 * messages queued, for a caller that wants to send them at once.
 */
export async function queueCitizenNotices(
  trx: Db,
  notices: readonly Notice[],
  context: NoticeContext,
): Promise<string[]> {
  const { kase, actor, now } = context;
  if (notices.length === 0 || actor.type === 'citizen' || kase.sealed || !kase.citizenId) return [];
  const citizen = await trx
    .selectFrom('citizens')
    .select(['phone', 'email', 'preferredLanguage'])
    .where('id', '=', kase.citizenId)
    .executeTakeFirst();
  if (!citizen) return [];
  const route = await channelFor(trx, kase.channel, citizen);
  if (!route) return [];
  const language: Language = citizen.preferredLanguage ?? kase.language;
  const dueAt = notices.some((n) => n.kind === 'interim_update' || n.kind === 'acknowledged')
    ? await resolveDue(trx, kase.id)
    : null;
  const ids: string[] = [];
  for (const notice of notices) {
    const words = noticeWords(notice, { language, reference: kase.reference, agency: context.agency, dueAt });
    ids.push(
      await queueMessage(trx, {
        channel: route.channel,
        recipient: route.recipient,
        subject: route.channel === 'email' ? words.subject : undefined,
        body: route.channel === 'sms' ? words.sms : words.email,
        language,
        caseId: kase.id,
        eventSeq: notice.seq,
        purpose: `notice_${notice.kind}`,
        dedupeKey: `notice:${kase.id}:${notice.seq}`,
        now,
      }),
    );
  }
  return ids;
}

/**
 * The channel the citizen came by where it can carry a message (SMS for USSD, SMS and phone;
 * e-mail for e-mail), else the other one they gave; none if they opted out of it.
 */
async function channelFor(
  db: Db,
  caseChannel: CaseRow['channel'],
  citizen: { phone: string | null; email: string | null },
): Promise<{ channel: OutboundChannel; recipient: string } | undefined> {
  const sms = citizen.phone ? { channel: 'sms' as const, recipient: citizen.phone } : undefined;
  const email = citizen.email ? { channel: 'email' as const, recipient: citizen.email } : undefined;
  const phoneFirst = ['ussd', 'sms', 'phone', 'walk_in'].includes(caseChannel);
  for (const route of phoneFirst ? [sms, email] : [email, sms]) {
    if (route && !(await isOptedOut(db, route.channel, route.recipient))) return route;
  }
  return undefined;
}

async function resolveDue(db: Db, caseId: string): Promise<Date | null> {
  const clock = await db
    .selectFrom('caseClocks')
    .select('dueAt')
    .where('caseId', '=', caseId)
    .where('clock', '=', 'resolve')
    .where('status', 'in', ['running', 'paused'])
    .executeTakeFirst();
  return clock?.dueAt ?? null;
}

/** The notice's words in the citizen's language: an SMS of at most three parts, and an e-mail. */
export function noticeWords(
  notice: Notice,
  context: {
    language: Language;
    reference: string;
    agency: { name: string; nameSw: string | null };
    dueAt: Date | null;
  },
): { sms: string; subject: string; email: string } {
  const t = translator(context.language);
  const agency = (context.language === 'sw' && context.agency.nameSw) || context.agency.name;
  const due = context.dueAt
    ? new Intl.DateTimeFormat(context.language === 'sw' ? 'sw-KE' : 'en-KE', {
        dateStyle: 'medium',
        timeZone: 'Africa/Nairobi',
      }).format(context.dueAt)
    : t('notify.no_date');
  const values = { reference: context.reference, agency, due };
  const message = notice.message ?? '';
  const sms = fitSms((excerpt) => t(`notify.sms.${notice.kind}`, { ...values, message: excerpt }), message);
  const email = [
    t(`notify.email.${notice.kind}`, values),
    message ? `\n${message}\n` : '',
    t('notify.email.track', values),
  ]
    .filter(Boolean)
    .join('\n');
  return { sms, subject: t(`notify.subject.${notice.kind}`, values), email };
}
