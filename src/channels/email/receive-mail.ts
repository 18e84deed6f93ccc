import { sql } from 'kysely';
import { type FollowUpDeps, replyToCase } from '../../core/cases/citizen-follow-ups.ts';
import { type SubmitCaseDeps, submitCase } from '../../core/cases/submit-case.ts';
import { AppError } from '../../core/errors.ts';
import type { Messenger } from '../../core/messages/messenger.ts';
import { translator } from '../../i18n/index.ts';

/*
 * E-mail from citizens, as an inbound-mail webhook delivers it (Postmark's JSON; fields below).
 * A message that names one of the sender's own cases (its reference in the subject, or in the
 * address as case+<reference>@) is added to that case; anything else becomes a new case. The
 * sender's address is the only proof an e-mail carries, so a reference alone never opens someone
 * else's case: a stranger quoting it makes a case of their own. Each message is handled once,
 * by its Message-ID, however often the provider retries.
 */

export interface InboundMail {
  messageId: string;
  /** The sender's address, lower-cased. */
  from: string;
  fromName: string | undefined;
  subject: string;
  /** The plain-text body, without the quoted earlier messages. */
  text: string;
  /** Postmark's MailboxHash: what follows "+" in the address written to (case+<reference>@). */
  mailboxHash: string | undefined;
}

export type MailOutcome = 'case_created' | 'case_answered' | 'duplicate';

export type ReceiveMailDeps = SubmitCaseDeps & FollowUpDeps & { messenger: Messenger };

const REFERENCE = /\b(\d{11})\b/;

export async function receiveMail(
  deps: ReceiveMailDeps,
  mail: InboundMail,
): Promise<{ outcome: MailOutcome; reference: string }> {
  const now = deps.now();
  const fresh = await deps.db
    .insertInto('inboundEmails')
    .values({
      messageId: mail.messageId,
      fromAddress: mail.from,
      subject: mail.subject.slice(0, 500),
      receivedAt: now,
    })
    .onConflict((oc) => oc.column('messageId').doNothing())
    .returning('messageId')
    .executeTakeFirst();
  if (!fresh) {
    const earlier = await deps.db
      .selectFrom('inboundEmails as m')
      .leftJoin('cases as c', 'c.id', 'm.caseId')
      .select(['m.outcome', 'c.reference'])
      .where('m.messageId', '=', mail.messageId)
      .executeTakeFirstOrThrow();
    if (earlier.outcome && earlier.reference) return { outcome: 'duplicate', reference: earlier.reference };
    // A handler that stopped half-way: the case is keyed by the Message-ID, so doing it again is safe.
  }
  const own = await ownCase(deps, mail);
  if (own) {
    try {
      await replyToCase(deps, { reference: own.reference, pin: '', alreadyProven: true }, mail.text);
      await record(deps, mail.messageId, 'case_answered', own.id);
      return { outcome: 'case_answered', reference: own.reference };
    } catch (error) {
      // Closed or withdrawn meanwhile: the message becomes a case of its own, below.
      if (!(error instanceof AppError && error.code === 'invalid_transition')) throw error;
    }
  }
  const submitted = await submitCase(
    deps,
    {
      channel: 'email',
      title: mail.subject.slice(0, 200) || undefined,
      description: mail.text,
      citizen: { email: mail.from, name: mail.fromName },
    },
    `email:${mail.messageId}`,
  );
  await record(deps, mail.messageId, 'case_created', submitted.id);
  // The reference and the PIN, by return: the same as a web submission's copy.
  const language = submitted.language;
  const t = translator(language);
  const id = await deps.messenger.queue(deps.db, {
    channel: 'email',
    recipient: mail.from,
    subject: t('mail_in.subject', { reference: submitted.reference }),
    body: t('mail_in.body', {
      reference: submitted.reference,
      pin: submitted.pin,
      agency: submitted.agency.name,
    }),
    language,
    caseId: submitted.id,
    purpose: 'case_submitted',
    secret: true,
    dedupeKey: `case_submitted:${submitted.id}:email`,
  });
  void deps.messenger.deliver(id).catch(() => undefined);
  return { outcome: 'case_created', reference: submitted.reference };
}

/** The sender's own open-or-reopenable case the message names, if it names one. */
async function ownCase(deps: ReceiveMailDeps, mail: InboundMail) {
  const reference = REFERENCE.exec(mail.mailboxHash ?? '')?.[1] ?? REFERENCE.exec(mail.subject)?.[1];
  if (!reference) return undefined;
  return deps.db
    .selectFrom('cases as c')
    .innerJoin('citizens as p', 'p.id', 'c.citizenId')
    .select(['c.id', 'c.reference'])
    .where('c.reference', '=', reference)
    .where(sql<string>`lower(p.email)`, '=', mail.from)
    .where('c.sealed', '=', false)
    .executeTakeFirst();
}

async function record(
  deps: ReceiveMailDeps,
  messageId: string,
  outcome: Exclude<MailOutcome, 'duplicate'>,
  caseId: string,
) {
  await deps.db
    .updateTable('inboundEmails')
    .set({ outcome, caseId })
    .where('messageId', '=', messageId)
    .execute();
}

/** The words of a reply above the quoted message ("On ... wrote:", "> ..."), trimmed. */
export function withoutQuote(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*>/.test(line)) break;
    if (/^On .+wrote:\s*$/.test(line) || /^-{2,}\s*Original Message\s*-{2,}/i.test(line)) break;
    if (/^Tarehe .+aliandika:\s*$/.test(line)) break;
    kept.push(line);
  }
  return kept.join('\n').trim();
}
