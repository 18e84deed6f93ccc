import type { Db } from '../../db/open-database.ts';

/** Africa's Talking's end-of-session notification, field by field as it posts them (all text). */
export interface UssdSessionEvent {
  sessionId: string;
  date?: string | undefined;
  serviceCode?: string | undefined;
  networkCode?: string | undefined;
  phoneNumber?: string | undefined;
  /** Success, Incomplete or Failed. */
  status?: string | undefined;
  cost?: string | undefined;
  durationInMillis?: string | undefined;
  hopsCount?: string | undefined;
  input?: string | undefined;
  lastAppResponse?: string | undefined;
  errorMessage?: string | undefined;
}

/**
 * Keeps the notification as sent, once per session (the gateway may send it again): operators
 * read from it what sessions cost and where callers gave up or the network failed them. Numbers
 * that are not whole numbers are kept as absent rather than refused, since the gateway does not
 * wait for an answer it could act on.
 */
export async function recordSessionEvent(db: Db, event: UssdSessionEvent, now: Date): Promise<void> {
  await db
    .insertInto('ussdSessionEvents')
    .values({
      sessionId: event.sessionId,
      phone: event.phoneNumber || null,
      serviceCode: event.serviceCode || null,
      networkCode: event.networkCode || null,
      status: event.status || null,
      cost: event.cost || null,
      durationMs: wholeNumber(event.durationInMillis, Number.MAX_SAFE_INTEGER),
      hopsCount: wholeNumber(event.hopsCount, 2_147_483_647),
      input: event.input ?? null,
      lastAppResponse: event.lastAppResponse ?? null,
      errorMessage: event.errorMessage || null,
      gatewayDate: event.date || null,
      receivedAt: now,
    })
    .onConflict((oc) => oc.column('sessionId').doNothing())
    .execute();
}

function wholeNumber(text: string | undefined, max: number): number | null {
  if (!text || !/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}
