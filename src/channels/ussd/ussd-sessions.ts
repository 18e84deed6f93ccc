import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { readState, type UssdState } from './ussd-state.ts';

/*
 * The USSD sessions table (migrations/20261126T0900_ussd.sql): every hop reads its session's row
 * and writes it back, so a session may move between web processes from one hop to the next.
 */

export interface StoredSession {
  sessionId: string;
  phone: string;
  text: string;
  /** undefined when the stored state is not one this version of the menu understands. */
  state: UssdState | undefined;
  endedAt: Date | null;
  updatedAt: Date;
}

export async function findSession(db: Db, sessionId: string): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('ussdSessions')
    .select(['sessionId', 'phone', 'text', 'state', 'endedAt', 'updatedAt'])
    .where('sessionId', '=', sessionId)
    .executeTakeFirst();
  return row ? { ...row, state: readState(row.state) } : undefined;
}

/** What a new session starts from: the language the number chose, and a report it left unfinished. */
export interface CallerStart {
  /** The language chosen on the menu, or else the one a citizen with this number prefers. */
  language: Language | undefined;
  unfinished: { sessionId: string; state: UssdState } | undefined;
}

/** One statement on the first hop: the number's language and its last unfinished session since `since`. */
export async function findCallerStart(
  db: Db,
  phone: string,
  sessionId: string,
  since: Date,
): Promise<CallerStart> {
  const { rows } = await sql<{
    chosen: Language | null;
    known: Language | null;
    unfinished: { sessionId: string; state: unknown } | null;
  }>`
    SELECT
      (SELECT language FROM ussd_callers WHERE phone = ${phone}) AS chosen,
      (SELECT preferred_language FROM citizens WHERE phone = ${phone}) AS known,
      (SELECT jsonb_build_object('sessionId', session_id, 'state', state) FROM ussd_sessions
        WHERE phone = ${phone} AND resumable AND updated_at > ${since} AND session_id <> ${sessionId}
        ORDER BY updated_at DESC LIMIT 1) AS unfinished
  `.execute(db);
  const row = rows[0];
  const state = row?.unfinished ? readState(row.unfinished.state) : undefined;
  return {
    language: row?.chosen ?? row?.known ?? undefined,
    unfinished: row?.unfinished && state ? { sessionId: row.unfinished.sessionId, state } : undefined,
  };
}

export interface HopWrite {
  text: string;
  state: UssdState;
  resumable: boolean;
  ended: boolean;
  caseId: string | null;
  now: Date;
}

/** The first hop of a session; false when another request for the same session wrote it first. */
export async function insertSession(
  db: Db,
  session: { sessionId: string; phone: string; serviceCode: string; networkCode: string | null },
  hop: HopWrite,
): Promise<boolean> {
  const inserted = await db
    .insertInto('ussdSessions')
    .values({
      ...session,
      text: hop.text,
      state: JSON.stringify(hop.state),
      resumable: hop.resumable,
      caseId: hop.caseId,
      endedAt: hop.ended ? hop.now : null,
      createdAt: hop.now,
      updatedAt: hop.now,
    })
    .onConflict((oc) => oc.column('sessionId').doNothing())
    .returning('sessionId')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * The next hop, written only over the hop it followed (`previousText`): of two identical hops
 * answered at once, one writes and the other finds its answer already there (false).
 */
export async function updateSession(
  db: Db,
  sessionId: string,
  previousText: string,
  hop: HopWrite,
): Promise<boolean> {
  const updated = await db
    .updateTable('ussdSessions')
    .set((eb) => ({
      text: hop.text,
      state: JSON.stringify(hop.state),
      hops: eb('hops', '+', 1),
      resumable: hop.resumable,
      caseId: hop.caseId ?? eb.ref('caseId'),
      endedAt: hop.ended ? hop.now : null,
      updatedAt: hop.now,
    }))
    .where('sessionId', '=', sessionId)
    .where('text', '=', previousText)
    .returning('sessionId')
    .executeTakeFirst();
  return updated !== undefined;
}

/**
 * The caller continued a dropped session, or chose to start again: their other sessions' reports
 * are offered no more (the current one may be offered later, if it drops in its turn).
 */
export async function forgetUnfinished(db: Db, phone: string, currentSessionId: string): Promise<void> {
  await db
    .updateTable('ussdSessions')
    .set({ resumable: false })
    .where('phone', '=', phone)
    .where('resumable', '=', true)
    .where('sessionId', '<>', currentSessionId)
    .execute();
}

/**
 * A hop came too late: the session is over, but a report in it may still be continued, for the
 * resume window counted from now (what the caller is told).
 */
export async function endExpiredSession(db: Db, sessionId: string, text: string, now: Date): Promise<void> {
  await db
    .updateTable('ussdSessions')
    .set({ endedAt: now, updatedAt: now })
    .where('sessionId', '=', sessionId)
    .where('text', '=', text)
    .execute();
}

/** Remembers a number's language; a citizen known by the number gets it as their preference too. */
export async function rememberLanguage(db: Db, phone: string, language: Language, now: Date): Promise<void> {
  await db
    .insertInto('ussdCallers')
    .values({ phone, language, updatedAt: now })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ language, updatedAt: now }))
    .execute();
  await db.updateTable('citizens').set({ preferredLanguage: language }).where('phone', '=', phone).execute();
}

/** Sessions are worth nothing a day later; the gateway's notifications are kept 90 days (costs, disputes). */
export const USSD_RETENTION = { sessionHours: 24, eventDays: 90 } as const;

export async function removeOldUssdRecords(db: Db, now: Date): Promise<{ sessions: number; events: number }> {
  const sessionsBefore = new Date(now.getTime() - USSD_RETENTION.sessionHours * 3600_000);
  const eventsBefore = new Date(now.getTime() - USSD_RETENTION.eventDays * 86_400_000);
  const sessions = await db
    .deleteFrom('ussdSessions')
    .where('updatedAt', '<', sessionsBefore)
    .executeTakeFirst();
  const events = await db
    .deleteFrom('ussdSessionEvents')
    .where('receivedAt', '<', eventsBefore)
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), events: Number(events.numDeletedRows) };
}
