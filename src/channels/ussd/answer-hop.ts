import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { translator } from '../../i18n/index.ts';
import { type MenuContext, type Reply, renderScreen, ussdText } from './render-screen.ts';
import { home, step } from './ussd-menu.ts';
import { menuPorts, type UssdDeps } from './ussd-ports.ts';
import {
  endExpiredSession,
  findCallerStart,
  findSession,
  insertSession,
  updateSession,
} from './ussd-sessions.ts';
import { isEnd, isResumable, type UssdState } from './ussd-state.ts';

/*
 * One hop of an Africa's Talking USSD session: the gateway POSTs the session id, the caller's
 * number and `text`, every input of the session so far joined with "*" ("" on the first hop, then
 * "1", "1*2", ...), and shows our CON (wait for input) or END (close) screen.
 *
 * Each hop's menu state is stored with the session, against the text that led to it. So:
 * - the gateway retrying a hop (the same text again) gets the stored answer, without doing again
 *   what the hop did (send a report, count a wrong PIN);
 * - the next hop's input is the text after the stored text and its "*", whatever it contains:
 *   a description may hold a "*" itself, which splitting the whole text would misread;
 * - without a usable stored hop (a text that does not continue it, a session never seen), the
 *   state is replayed from the session's start over the inputs split at "*": deterministic, and
 *   sending a report is idempotent per session, so even then nothing is sent twice.
 */

export const USSD_TIMES = {
  /**
   * A hop this long after the last one is refused as expired: Kenyan telcos end a session after
   * 180 s in all (30 to 60 s per answer), so a later hop is a stale or replayed request.
   */
  idleSeconds: 180,
  /** A caller who dials again within this time after dropping off is offered to continue. */
  resumeMinutes: 5,
} as const;

/** Far longer than any real session's inputs (about 20 hops of at most 182 characters). */
export const TEXT_LIMIT = 4000;

export interface UssdHop {
  sessionId: string;
  serviceCode: string;
  phoneNumber: string;
  networkCode?: string | undefined;
  text: string;
}

export async function answerHop(deps: UssdDeps, hop: UssdHop): Promise<Reply> {
  const phone = e164(hop.phoneNumber);
  if (!phone) return bilingualEnd('end.phone');
  if (hop.text.length > TEXT_LIMIT) return bilingualEnd('end.too_long');
  const ctx = menuContext(deps);
  const ports = menuPorts(deps, { phone, sessionId: hop.sessionId });
  const now = deps.now();
  const stored = await findSession(deps.db, hop.sessionId);

  if (!stored) {
    const state = await replay(await openingState(deps, phone, hop.sessionId, now), hop.text, ctx, ports);
    const written = await insertSession(
      deps.db,
      { sessionId: hop.sessionId, phone, serviceCode: hop.serviceCode, networkCode: hop.networkCode ?? null },
      hopWrite(hop.text, state, now),
    );
    return written ? renderScreen(state, ctx) : answerOfWinner(deps, hop, state, ctx);
  }
  // A session id is the gateway's; the same id from another number is not this session.
  if (stored.phone !== phone || !stored.state) return bilingualEnd('end.failed');
  // Over: with its last screen, or (when it timed out in the middle) with the time-out screen.
  if (stored.endedAt)
    return isEnd(stored.state) ? renderScreen(stored.state, ctx) : expired(stored.state, ctx);
  if (hop.text === stored.text) return renderScreen(stored.state, ctx);
  if (now.getTime() - stored.updatedAt.getTime() > USSD_TIMES.idleSeconds * 1000) {
    await endExpiredSession(deps.db, hop.sessionId, stored.text, now);
    return expired(stored.state, ctx);
  }

  const input = inputAfter(stored.text, hop.text);
  const state =
    input === undefined
      ? await replay(await openingState(deps, phone, hop.sessionId, now), hop.text, ctx, ports)
      : await step(stored.state, input, ctx, ports);
  const written = await updateSession(deps.db, hop.sessionId, stored.text, hopWrite(hop.text, state, now));
  return written ? renderScreen(state, ctx) : answerOfWinner(deps, hop, state, ctx);
}

export function menuContext(deps: Pick<UssdDeps, 'reference' | 'ussdCode'>): MenuContext {
  return {
    ussdCode: deps.ussdCode,
    counties: deps.reference.countyList(),
    resumeMinutes: USSD_TIMES.resumeMinutes,
  };
}

/**
 * Where a new session starts: the language question for a number that never chose one; the
 * offer to continue, when the number dropped off in the middle of a report a few minutes ago;
 * else the main menu.
 */
async function openingState(deps: UssdDeps, phone: string, sessionId: string, now: Date): Promise<UssdState> {
  const since = new Date(now.getTime() - USSD_TIMES.resumeMinutes * 60_000);
  const start = await findCallerStart(deps.db, phone, sessionId, since);
  if (!start.language) return { ...home('en'), screen: { kind: 'language', first: true } };
  if (start.unfinished) {
    const { screen, back, draft } = start.unfinished.state;
    return {
      ...home(start.language),
      screen: { kind: 'resume', from: start.unfinished.sessionId, saved: { screen, back, draft } },
    };
  }
  return home(start.language);
}

async function replay(
  start: UssdState,
  text: string,
  ctx: MenuContext,
  ports: ReturnType<typeof menuPorts>,
): Promise<UssdState> {
  let state = start;
  if (text === '') return state;
  for (const input of text.split('*')) {
    if (isEnd(state)) break;
    state = await step(state, input, ctx, ports);
  }
  return state;
}

/** The input this hop adds to the stored text, or undefined when it does not continue it. */
export function inputAfter(storedText: string, text: string): string | undefined {
  if (storedText === '') return text;
  return text.startsWith(`${storedText}*`) ? text.slice(storedText.length + 1) : undefined;
}

function hopWrite(text: string, state: UssdState, now: Date) {
  const ended = isEnd(state);
  return {
    text,
    state,
    ended,
    resumable: !ended && isResumable(state),
    caseId: state.screen.kind === 'sent' ? state.screen.caseId : null,
    now,
  };
}

/** Another request answered the same hop first (the gateway sent it twice): answer as it did. */
async function answerOfWinner(deps: UssdDeps, hop: UssdHop, mine: UssdState, ctx: MenuContext) {
  const winner = await findSession(deps.db, hop.sessionId);
  const state = winner?.text === hop.text && winner.state ? winner.state : mine;
  return renderScreen(state, ctx);
}

function expired(state: UssdState, ctx: MenuContext): Reply {
  const t = ussdText(state.language);
  const text = isResumable(state)
    ? t('end.expired_resume', { code: ctx.ussdCode, minutes: ctx.resumeMinutes })
    : t('end.expired', { code: ctx.ussdCode });
  return { end: true, text };
}

/** What a caller sees when answering the hop failed (the database was unreachable, say). */
export const failedReply = (): Reply => bilingualEnd('end.failed');

/** Before the caller's language is known: both, English first. */
function bilingualEnd(key: string): Reply {
  return { end: true, text: `${translator('en')(`ussd.${key}`)} ${translator('sw')(`ussd.${key}`)}` };
}

/**
 * The caller's number as the gateway must send it, E.164 with its "+"; anything else is refused
 * rather than guessed at, since the number decides whose cases "My recent cases" shows.
 */
function e164(phoneNumber: string): string | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(phoneNumber)) return undefined;
  const parsed = parsePhoneNumberFromString(phoneNumber);
  return parsed?.isValid() ? parsed.number : undefined;
}
