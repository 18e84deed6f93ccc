import { sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { findPhoneCitizen, trackCaseByPhone } from '../../core/cases/cases-of-phone.ts';
import { type FollowUpDeps, replyToCase } from '../../core/cases/citizen-follow-ups.ts';
import { parseReference } from '../../core/cases/reference.ts';
import { type SubmitCaseDeps, submitCase } from '../../core/cases/submit-case.ts';
import { AppError } from '../../core/errors.ts';
import { answeredAutomatically, rejectAutomaticAnswer } from '../../core/knowledge/auto-answer.ts';
import type { InformationSource } from '../../core/knowledge/information-source.ts';
import type { Messenger } from '../../core/messages/messenger.ts';
import { optIn, optOut } from '../../core/messages/opt-outs.ts';
import type { SlaService } from '../../core/sla/sla-service.ts';
import type { PublicCaseReader } from '../../db/queries/select-public-case.ts';
import type { InboundSmsOutcome, Language } from '../../db/schema.ts';
import {
  claimInboundSms,
  finishInboundSms,
  type InboundSms,
  planAnswer,
  recordIgnoredSms,
  releaseInboundSms,
} from './inbound-sms.ts';
import { readSms, type SmsCommand } from './read-sms.ts';
import { renderSmsReply, type SmsReply } from './sms-replies.ts';

/*
 * One SMS from a citizen to the shortcode, as Africa's Talking delivers it: a keyword (read-sms.ts)
 * or the citizen's own words, which become a triaged case, or the answer to the case that waits
 * for it. Whatever it was, one reply goes back through the outbox, keyed by the gateway's message
 * id: the same message delivered twice, one after the other or both at once, is acted on once
 * (inbound-sms.ts) and answered once.
 */

export interface SmsDeps extends SubmitCaseDeps, FollowUpDeps {
  sla: SlaService;
  cases: PublicCaseReader;
  messenger: Messenger;
  information: InformationSource;
  /** The portal's address, for "see it at ...". */
  publicUrl: string;
}

/**
 * Longer than any real SMS (a concatenated message is rarely more than 6 parts, 918 characters);
 * a longer text is refused with a reply saying so.
 */
export const SMS_TEXT_LIMIT = 1600;
/** What submitCase asks of a description. */
const SHORTEST_REPORT = 5;

export interface SmsAnswer {
  /** What was done; for a repeated delivery, what was done the first time ('in_progress' while it is being done). */
  outcome: InboundSmsOutcome | 'in_progress';
  duplicate: boolean;
}

interface Acted {
  outcome: InboundSmsOutcome;
  caseId: string | null;
  reply: SmsReply;
  language: Language;
}

export async function answerSms(deps: SmsDeps, message: InboundSms): Promise<SmsAnswer> {
  const now = deps.now();
  const phone = senderPhone(message.from);
  if (!phone) {
    // An alphanumeric sender (a network's own notices) or a broken number: nobody to answer.
    await recordIgnoredSms(deps.db, message, now);
    return { outcome: 'ignored', duplicate: false };
  }
  const claim = await claimInboundSms(deps.db, { ...message, from: phone }, now);
  if (claim.claim === 'done') return { outcome: claim.outcome, duplicate: true };
  if (claim.claim === 'busy') return { outcome: 'in_progress', duplicate: true };

  let replyId: string;
  let acted: Acted;
  try {
    acted = await act(deps, message.id, phone, message.text, claim.planned);
    // No transaction around the two: each step before the row is finished can be taken again
    // without a second effect (the case is keyed by the gateway's id, the reply by its dedupe key),
    // so a handler that stops in between leaves it to the next delivery to finish.
    replyId = await deps.messenger.queue(deps.db, {
      channel: 'sms',
      recipient: phone,
      body: renderSmsReply(acted.reply, acted.language, { portal: deps.publicUrl }),
      language: acted.language,
      // The reply to a new report carries its PIN.
      secret: acted.reply.kind === 'created',
      caseId: acted.caseId ?? undefined,
      purpose: 'sms_reply',
      dedupeKey: `sms_reply:${message.id}`,
    });
    await finishInboundSms(deps.db, message.id, {
      outcome: acted.outcome,
      caseId: acted.caseId,
      replyMessageId: replyId,
      at: deps.now(),
    });
  } catch (error) {
    await releaseInboundSms(deps.db, message.id).catch(() => undefined);
    throw error;
  }
  // Sent now when the gateway answers; otherwise the outbox sweep retries it.
  void deps.messenger.deliver(replyId).catch(() => undefined);
  return { outcome: acted.outcome, duplicate: false };
}

async function act(
  deps: SmsDeps,
  id: string,
  phone: string,
  text: string,
  planned: string | null,
): Promise<Acted> {
  const citizen = await findPhoneCitizen(deps.db, phone);
  // Kiswahili when the keyword was, or the citizen chose it before, or (for a report) triage reads it so.
  const languageOf = (hint: Language | undefined): Language =>
    hint === 'sw' || citizen?.preferredLanguage === 'sw' ? 'sw' : 'en';
  const answer = (outcome: InboundSmsOutcome, reply: SmsReply, hint?: Language): Acted => ({
    outcome,
    caseId: null,
    reply,
    language: languageOf(hint),
  });

  if (text.length > SMS_TEXT_LIMIT) return answer('too_long', { kind: 'too_long', max: SMS_TEXT_LIMIT });
  if (text.trim() === '') return answer('help', { kind: 'help' });
  const command = readSms(text);
  switch (command.kind) {
    case 'help':
      return answer('help', { kind: 'help' }, command.language);
    case 'stop':
      await optOut(deps.db, 'sms', phone, deps.now());
      return answer('opted_out', { kind: 'opted_out' }, command.language);
    case 'start':
      await optIn(deps.db, 'sms', phone);
      return answer('opted_in', { kind: 'opted_in' }, command.language);
    case 'status':
      return answer(
        'status',
        await statusReply(deps, command, phone, languageOf(command.language)),
        command.language,
      );
    case 'info':
      return answer(
        'info',
        await infoReply(deps, command.words, languageOf(command.language)),
        command.language,
      );
    case 'not_helped':
      return answer('case_answered', await notHelped(deps, command.reference, phone), command.language);
    case 'text':
      return ownWords(deps, id, phone, command.text, planned ?? citizen?.awaiting, languageOf);
  }
}

async function statusReply(
  deps: SmsDeps,
  command: Extract<SmsCommand, { kind: 'status' }>,
  phone: string,
  language: Language,
): Promise<SmsReply> {
  if (command.reference === '') return { kind: 'status_no_reference' };
  try {
    const found = await trackCaseByPhone(deps, command.reference, phone, language);
    if (!found) return { kind: 'status_hidden', reference: command.reference.replace(/\D/g, '') };
    return {
      kind: 'status',
      reference: found.reference,
      status: found.status,
      agency: found.agency.name,
      dueAt: found.nextDueAt,
    };
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_reference' && error.key) {
      return { kind: 'status_bad_reference', problem: error.key };
    }
    throw error;
  }
}

/**
 * NO and a reference: the automatic answer did not help. Only for a case of this phone (the phone
 * is its proof, as for STATUS) that still stands answered automatically.
 */
async function notHelped(deps: SmsDeps, referenceInput: string, phone: string): Promise<SmsReply> {
  let reference: string;
  try {
    reference = parseReference(referenceInput);
  } catch {
    return { kind: 'not_helped_refused', reference: referenceInput.replace(/\D/g, '') };
  }
  const kase = await deps.db
    .selectFrom('cases')
    .leftJoin('citizens', 'citizens.id', 'cases.citizenId')
    .select(['cases.id', 'cases.citizenId', 'cases.status', 'cases.autoAnswerArticleId', 'citizens.phone'])
    .where('cases.reference', '=', reference)
    .executeTakeFirst();
  if (!kase || kase.phone !== phone || !answeredAutomatically(kase))
    return { kind: 'not_helped_refused', reference };
  try {
    await rejectAutomaticAnswer(deps, kase.id, { type: 'citizen', id: kase.citizenId });
  } catch (error) {
    // Taken up by an officer between the read and the change.
    if (error instanceof AppError && error.code === 'invalid_transition')
      return { kind: 'not_helped_refused', reference };
    throw error;
  }
  return { kind: 'not_helped', reference };
}

/**
 * INFO and some words: the best answer to them, counted as read. INFO alone: how to ask, with the
 * common questions. Nothing found: other words to try, or the portal's search.
 */
async function infoReply(deps: SmsDeps, words: string, language: Language): Promise<SmsReply> {
  const { information } = deps;
  if (words === '') {
    const topics = await information.topics(language);
    if (topics.length === 0) return { kind: 'info_coming' };
    return { kind: 'info_help', topics: topics.map((topic) => topic.title) };
  }
  const [best] = await information.search(words, language, 1);
  const answer = best && (await information.answer(best.id, language));
  if (answer) {
    await information.recordRead?.(answer.id, 'sms', language, words);
    return { kind: 'info_answer', title: answer.title, answer: answer.sms, slug: answer.slug };
  }
  const offices = await information.offices(language);
  return offices.length === 0 ? { kind: 'info_coming' } : { kind: 'info_unknown', words };
}

/**
 * The citizen's own words: the answer to the case that waits for one from this phone, if any;
 * else a new case, triaged like any other. `answering` is that case; as an id, it is the case an
 * earlier handler of this same message was answering when it stopped: answered again, unless the
 * answer got there already.
 */
async function ownWords(
  deps: SmsDeps,
  id: string,
  phone: string,
  text: string,
  answering: string | { id: string; reference: string; language: Language } | undefined,
  languageOf: (hint: Language | undefined) => Language,
): Promise<Acted> {
  const resumed = typeof answering === 'string';
  const waiting = resumed
    ? await deps.db
        .selectFrom('cases')
        .select(['id', 'reference', 'language'])
        .where('id', '=', answering)
        .executeTakeFirst()
    : answering;
  if (waiting) {
    if (!resumed) await planAnswer(deps.db, id, waiting.id);
    const answered =
      (resumed && (await answerArrived(deps, waiting.id, text))) ||
      (await answerCase(deps, waiting.reference, text));
    if (answered) {
      return {
        outcome: 'case_answered',
        caseId: waiting.id,
        reply: { kind: 'answered', reference: waiting.reference },
        language: languageOf(waiting.language),
      };
    }
  }
  if (text.replace(/\s/g, '').length < SHORTEST_REPORT) {
    return { outcome: 'help', caseId: null, reply: { kind: 'too_short' }, language: languageOf(undefined) };
  }
  const preferred = languageOf(undefined);
  // Keyed by the gateway's id: a handler taking over after a crash finds the case already made.
  const submitted = await submitCase(
    deps,
    {
      channel: 'sms',
      description: text,
      language: preferred === 'sw' ? 'sw' : undefined,
      citizen: { phone },
    },
    `sms:${id}`,
  );
  return {
    outcome: 'case_created',
    caseId: submitted.id,
    reply: {
      kind: 'created',
      reference: submitted.reference,
      pin: submitted.pin,
      resolveBy: submitted.resolveBy,
    },
    // Without a choice of the citizen's, the case's language is the one triage read in the text.
    language: languageOf(submitted.language),
  };
}

/**
 * Adds the text to the case as the citizen's answer; false when the case stopped waiting in the
 * meantime (closed, say), and the text then makes a case of its own.
 */
async function answerCase(deps: SmsDeps, reference: string, text: string): Promise<boolean> {
  try {
    // The phone is the case's own (findPhoneCitizen), which is the proof; no PIN by SMS.
    await replyToCase(deps, { reference, pin: '', alreadyProven: true }, text);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_transition') return false;
    throw error;
  }
}

/** Whether an earlier handler of the same message got the answer onto the case before it stopped. */
async function answerArrived(deps: SmsDeps, caseId: string, text: string): Promise<boolean> {
  const found = await deps.db
    .selectFrom('events')
    .select('seq')
    .where('caseId', '=', caseId)
    .where('kind', '=', 'case.citizen_replied')
    .where(sql<string>`data->>'message'`, '=', text)
    .executeTakeFirst();
  return found !== undefined;
}

/**
 * The sender as the gateway must send it, E.164 with its "+"; anything else is not a phone to
 * answer, and is not guessed at, since the number decides whose case status a message may read.
 */
export function senderPhone(from: string): string | undefined {
  const trimmed = from.trim();
  if (!/^\+[1-9]\d{6,14}$/.test(trimmed)) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed?.isValid() ? parsed.number : undefined;
}
