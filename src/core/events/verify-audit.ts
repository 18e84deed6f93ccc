import type { Db } from '../../db/open-database.ts';
import { GENESIS_HASH, hashEvent } from './hash-event.ts';

export type AuditResult =
  | { ok: true; streams: number; events: number }
  | { ok: false; streams: number; events: number; streamId: string; seq: number; problem: string };

/**
 * Walks every stream in order and recomputes each hash. Reports the first broken link: an event
 * whose content no longer matches its hash, whose prev_hash does not match the event before it, a
 * gap in sequence numbers, or a stream whose head does not match its last event (a removed tail).
 */
export async function verifyAudit(db: Db, batchSize = 5000): Promise<AuditResult> {
  let streams = 0;
  let events = 0;
  let current: { id: string; seq: number; hash: string } | undefined;
  const heads = new Map<string, { seq: number; headHash: string }>();
  for (const head of await db.selectFrom('eventStreams').selectAll().execute()) heads.set(head.id, head);

  const closeStream = (): AuditResult | undefined => {
    if (!current) return undefined;
    const head = heads.get(current.id);
    heads.delete(current.id);
    if (!head || head.seq !== current.seq || head.headHash !== current.hash) {
      return broken(
        current.id,
        current.seq,
        'the stream head does not match its last event (events removed?)',
      );
    }
    return undefined;
  };
  const broken = (streamId: string, seq: number, problem: string): AuditResult => ({
    ok: false,
    streams,
    events,
    streamId,
    seq,
    problem,
  });

  let after: { streamId: string; seq: number } | undefined;
  for (;;) {
    let query = db.selectFrom('events').selectAll().orderBy('streamId').orderBy('seq').limit(batchSize);
    if (after) {
      const { streamId, seq } = after;
      // A row comparison, so PostgreSQL seeks straight to the page in the primary key; the
      // equivalent OR of two conditions scans from the start of the index on every page.
      query = query.where((eb) => eb(eb.refTuple('streamId', 'seq'), '>', eb.tuple(streamId, seq)));
    }
    const rows = await query.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (current?.id !== row.streamId) {
        const problem = closeStream();
        if (problem) return problem;
        current = { id: row.streamId, seq: 0, hash: GENESIS_HASH };
        streams += 1;
      }
      if (row.seq !== current.seq + 1) {
        return broken(row.streamId, current.seq + 1, 'an event is missing from the sequence');
      }
      if (row.prevHash !== current.hash) {
        return broken(row.streamId, row.seq, 'prev_hash does not match the hash of the event before it');
      }
      const expected = hashEvent(row.prevHash, {
        streamId: row.streamId,
        seq: row.seq,
        caseId: row.caseId,
        kind: row.kind,
        public: row.public,
        actorType: row.actorType,
        actorId: row.actorId,
        data: row.data,
        createdAt: row.createdAt.toISOString(),
      });
      if (expected !== row.hash)
        return broken(row.streamId, row.seq, 'the event was changed after it was written');
      current = { id: row.streamId, seq: row.seq, hash: row.hash };
      events += 1;
    }
    const last = rows[rows.length - 1];
    if (!last) break;
    after = { streamId: last.streamId, seq: last.seq };
  }
  const problem = closeStream();
  if (problem) return problem;
  const [orphan] = heads.keys();
  if (orphan !== undefined) return broken(orphan, 1, 'the stream has a head but no events (events removed?)');
  return { ok: true, streams, events };
}
