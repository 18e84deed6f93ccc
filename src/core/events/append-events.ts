import type { Db } from '../../db/open-database.ts';
import type { ActorType } from '../../db/schema.ts';
import { GENESIS_HASH, hashEvent } from './hash-event.ts';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

export interface NewEvent {
  kind: string;
  public: boolean;
  data: Record<string, unknown>;
}

/**
 * Appends events to a stream inside the caller's transaction. The stream head row is locked, so
 * concurrent appends to one stream queue up instead of forking the chain. Answers with the
 * sequence numbers the events were given, in order.
 */
export async function appendEvents(
  trx: Db,
  stream: { id: string; caseId: string | null },
  actor: Actor,
  events: NewEvent[],
  now: Date,
): Promise<number[]> {
  if (events.length === 0) return [];
  const lockHead = () =>
    trx
      .selectFrom('eventStreams')
      .select(['seq', 'headHash'])
      .where('id', '=', stream.id)
      .forUpdate()
      .executeTakeFirst();
  let head = await lockHead();
  if (!head) {
    // FOR UPDATE locks nothing when the row is missing, so two first appends would both insert:
    // create the empty head (one wins, the other waits for it), then lock it.
    await trx
      .insertInto('eventStreams')
      .values({ id: stream.id, seq: 0, headHash: GENESIS_HASH })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    head = await lockHead();
  }
  let seq = head?.seq ?? 0;
  let prevHash = head?.headHash ?? GENESIS_HASH;
  const rows = events.map((event) => {
    seq += 1;
    const content = {
      streamId: stream.id,
      seq,
      caseId: stream.caseId,
      kind: event.kind,
      public: event.public,
      actorType: actor.type,
      actorId: actor.id,
      data: event.data,
      createdAt: now.toISOString(),
    };
    const hash = hashEvent(prevHash, content);
    const row = { ...content, data: JSON.stringify(content.data), prevHash, hash };
    prevHash = hash;
    return row;
  });
  await trx
    .updateTable('eventStreams')
    .set({ seq, headHash: prevHash })
    .where('id', '=', stream.id)
    .execute();
  await trx.insertInto('events').values(rows).execute();
  return rows.map((row) => row.seq);
}
