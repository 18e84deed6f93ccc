import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { GENESIS_HASH, hashEvent } from '../events/hash-event.ts';
import { derivePin, hashPin, type Secrets } from '../security/secrets.ts';
import type { DraftCase, DraftCitizen } from './draft-case.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * Writes a batch of drafted cases: every column is sent as an array and unnested by PostgreSQL, so
 * thousands of cases cost a handful of round trips. Cases already there (the same seed run
 * before) are skipped before any hashing, and events are written only for cases this batch
 * inserted.
 *
 * Citizens are committed first, in a short transaction of their own, and the events are hashed
 * between the two transactions: batches running side by side share citizens, and a transaction
 * left open while this process hashes would make the others wait on its citizen rows, one batch
 * at a time.
 */
export async function insertDemoBatch(
  db: Db,
  secrets: Secrets,
  drafts: readonly DraftCase[],
): Promise<{ cases: number; events: number }> {
  const fresh = await db.transaction().execute(async (trx) => {
    // Demo data can be made again: not waiting for each commit to reach the disk saves time.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    const existing = await sql<{ id: string }>`
      SELECT id FROM cases WHERE id = ANY(${drafts.map((draft) => draft.id)}::uuid[])
    `.execute(trx);
    const skip = new Set(existing.rows.map((row) => row.id));
    const unseen = drafts.filter((draft) => !skip.has(draft.id));
    const citizenIds = unseen.length > 0 ? await insertCitizens(trx, unseen) : new Map<string, string>();
    return { drafts: unseen, citizenIds };
  });
  if (fresh.drafts.length === 0) return { cases: 0, events: 0 };
  const rows = fresh.drafts.map((draft) => ({
    draft,
    citizenId: draft.citizen ? (fresh.citizenIds.get(draft.citizen.phone) ?? null) : null,
  }));
  const chains = rows.map(({ draft, citizenId }) => chainEvents(draft, citizenId));

  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    const inserted = await insertCases(trx, secrets, rows);
    // Normally every fresh case goes in; one that lost a race or a reference to another seed does not.
    const written = chains.filter((chain) => inserted.has(chain.streamId));
    if (written.length === 0) return { cases: 0, events: 0 };
    const events = await insertEvents(trx, written);
    return { cases: written.length, events };
  });
}

/**
 * Returns the id the database holds for each phone number: a citizen who was already there keeps
 * their own. Sorted by phone, so concurrent batches take the unique-index locks in one order and
 * cannot deadlock.
 */
async function insertCitizens(db: Db, drafts: readonly DraftCase[]): Promise<Map<string, string>> {
  const byPhone = new Map<string, DraftCitizen & { createdAt: number }>();
  for (const draft of drafts) {
    if (!draft.citizen) continue;
    const seen = byPhone.get(draft.citizen.phone);
    if (!seen || draft.createdAt < seen.createdAt) {
      byPhone.set(draft.citizen.phone, { ...draft.citizen, createdAt: draft.createdAt });
    }
  }
  if (byPhone.size === 0) return new Map();
  const citizens = [...byPhone.values()].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
  const phones = citizens.map((c) => c.phone);
  await sql`
    INSERT INTO citizens (id, name, phone, email, preferred_language, created_at)
    SELECT * FROM unnest(
      ${citizens.map((c) => c.id)}::uuid[], ${citizens.map((c) => c.name)}::text[], ${phones}::text[],
      ${citizens.map((c) => c.email)}::text[], ${citizens.map((c) => c.language)}::text[],
      ${citizens.map((c) => iso(c.createdAt))}::timestamptz[]
    )
    ON CONFLICT DO NOTHING
  `.execute(db);
  const found = await sql<{ id: string; phone: string }>`
    SELECT id, phone FROM citizens WHERE phone = ANY(${phones}::text[])
  `.execute(db);
  return new Map(found.rows.map((row) => [row.phone, row.id]));
}

/** Returns the ids of the cases inserted. */
async function insertCases(
  trx: Db,
  secrets: Secrets,
  rows: readonly { draft: DraftCase; citizenId: string | null }[],
): Promise<Set<string>> {
  const column = <T>(value: (draft: DraftCase) => T) => rows.map((row) => value(row.draft));
  const result = await sql<{ id: string }>`
    INSERT INTO cases (id, reference, type, channel, status, priority, agency_id, service_id, category_id,
      subject_agency_id, sealed, citizen_id, language, pin_hash, title, description, county_code, assignee_id,
      transfer_count, rating, rating_comment, created_at, updated_at, resolved_at, closed_at)
    SELECT t.id, t.reference, t.type, t.channel, t.status, t.priority, t.agency_id, t.service_id, t.category_id,
      t.subject_agency_id, t.type = 'corruption_report', t.citizen_id, t.language, t.pin_hash, t.title,
      t.description, t.county_code, t.assignee_id, t.transfer_count, t.rating, t.rating_comment, t.created_at,
      t.updated_at, t.resolved_at, t.closed_at
    FROM unnest(
      ${column((d) => d.id)}::uuid[], ${column((d) => d.reference)}::text[], ${column((d) => d.type)}::text[],
      ${column((d) => d.channel)}::text[], ${column((d) => d.status)}::text[], ${column((d) => d.priority)}::text[],
      ${column((d) => d.agencyId)}::text[], ${column((d) => d.serviceId)}::text[],
      ${column((d) => d.categoryId)}::text[], ${column((d) => d.subjectAgencyId)}::text[],
      ${rows.map((row) => row.citizenId)}::uuid[], ${column((d) => d.language)}::text[],
      ${column((d) => hashPin(secrets, d.id, derivePin(secrets, d.id)))}::text[], ${column((d) => d.title)}::text[],
      ${column((d) => d.description)}::text[], ${column((d) => d.countyCode)}::text[],
      ${column((d) => d.assigneeId)}::uuid[], ${column((d) => d.transferCount)}::int[],
      ${column((d) => d.rating)}::int[], ${column((d) => d.ratingComment)}::text[],
      ${column((d) => iso(d.createdAt))}::timestamptz[], ${column((d) => iso(d.updatedAt))}::timestamptz[],
      ${column((d) => isoOrNull(d.resolvedAt))}::timestamptz[], ${column((d) => isoOrNull(d.closedAt))}::timestamptz[]
    ) AS t(id, reference, type, channel, status, priority, agency_id, service_id, category_id, subject_agency_id,
      citizen_id, language, pin_hash, title, description, county_code, assignee_id, transfer_count, rating,
      rating_comment, created_at, updated_at, resolved_at, closed_at)
    ON CONFLICT DO NOTHING
    RETURNING id
  `.execute(trx);
  return new Set(result.rows.map((row) => row.id));
}

interface Chain {
  streamId: string;
  rows: {
    seq: number;
    kind: string;
    public: boolean;
    actorType: string;
    actorId: string | null;
    data: string;
    createdAt: string;
    prevHash: string;
    hash: string;
  }[];
}

/** One case's events, chained with hashEvent exactly as appendEvents chains them. */
function chainEvents(draft: DraftCase, citizenId: string | null): Chain {
  let prevHash = GENESIS_HASH;
  const rows = draft.events.map((event, i) => {
    const actor = event.actor === 'citizen' ? { type: 'citizen' as const, id: citizenId } : event.actor;
    const content = {
      streamId: draft.id,
      seq: i + 1,
      caseId: draft.id,
      kind: event.kind,
      public: event.public,
      actorType: actor.type,
      actorId: actor.id,
      data: event.data,
      createdAt: iso(event.at),
    };
    const hash = hashEvent(prevHash, content);
    const row = { ...content, data: JSON.stringify(event.data), prevHash, hash };
    prevHash = hash;
    return row;
  });
  return { streamId: draft.id, rows };
}

async function insertEvents(trx: Db, chains: readonly Chain[]): Promise<number> {
  const rows = chains.flatMap((chain) => chain.rows.map((row) => ({ streamId: chain.streamId, ...row })));
  const column = <T>(value: (row: (typeof rows)[number]) => T) => rows.map(value);
  await sql`
    INSERT INTO event_streams (id, seq, head_hash)
    SELECT * FROM unnest(
      ${chains.map((chain) => chain.streamId)}::text[], ${chains.map((chain) => chain.rows.length)}::int[],
      ${chains.map((chain) => chain.rows.at(-1)?.hash ?? GENESIS_HASH)}::text[]
    )
  `.execute(trx);
  // A case's stream id is its id, so case_id is stream_id read as a uuid.
  await sql`
    INSERT INTO events (stream_id, seq, case_id, kind, public, actor_type, actor_id, data, created_at, prev_hash, hash)
    SELECT t.stream_id, t.seq, t.stream_id::uuid, t.kind, t.public, t.actor_type, t.actor_id, t.data, t.created_at,
      t.prev_hash, t.hash
    FROM unnest(
      ${column((r) => r.streamId)}::text[], ${column((r) => r.seq)}::int[], ${column((r) => r.kind)}::text[],
      ${column((r) => r.public)}::boolean[], ${column((r) => r.actorType)}::text[],
      ${column((r) => r.actorId)}::text[], ${column((r) => r.data)}::jsonb[],
      ${column((r) => r.createdAt)}::timestamptz[], ${column((r) => r.prevHash)}::text[],
      ${column((r) => r.hash)}::text[]
    ) AS t(stream_id, seq, kind, public, actor_type, actor_id, data, created_at, prev_hash, hash)
  `.execute(trx);
  return rows.length;
}
