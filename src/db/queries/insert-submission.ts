import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import type { Language } from '../schema.ts';

export interface SubmissionRow {
  case: {
    id: string;
    reference: string;
    type: string;
    channel: string;
    agencyId: string;
    serviceId: string | null;
    categoryId: string | null;
    subjectAgencyId: string | null;
    sealed: boolean;
    language: Language;
    pinHash: string;
    title: string | null;
    description: string;
    countyCode: string | null;
    subCounty: string | null;
    ward: string | null;
    latitude: number | null;
    longitude: number | null;
    attachments: string;
    idempotencyKey: string | null;
    idempotencyFingerprint: string | null;
    createdAt: Date;
  };
  citizen:
    | { id: string; name: string | null; phone: string | null; email: string | null; language: Language }
    | undefined;
  event: { kind: string; data: string; hash: string; prevHash: string; createdAt: string };
}

/**
 * Writes a new case, its citizen and its first event in one statement: one round trip, so a
 * submission costs about what a single INSERT does. A conflict on the reference or the
 * idempotency key inserts nothing and returns false; the caller decides which it was.
 */
export async function insertSubmission(db: Db, row: SubmissionRow): Promise<boolean> {
  const c = row.case;
  const citizen = row.citizen
    ? sql`citizen AS (
        INSERT INTO citizens (id, name, phone, email, preferred_language)
        VALUES (${row.citizen.id}, ${row.citizen.name}, ${row.citizen.phone}, ${row.citizen.email}, ${row.citizen.language})
        ON CONFLICT (phone) DO UPDATE SET
          name = COALESCE(citizens.name, EXCLUDED.name),
          email = COALESCE(citizens.email, EXCLUDED.email)
        RETURNING id
      ),`
    : sql`citizen AS (SELECT NULL::uuid AS id),`;
  const result = await sql<{ seq: number }>`
    WITH ${citizen}
    new_case AS (
      INSERT INTO cases (id, reference, type, channel, agency_id, service_id, category_id, subject_agency_id,
        sealed, citizen_id, language, pin_hash, title, description, county_code, sub_county, ward,
        latitude, longitude, attachments, idempotency_key, idempotency_fingerprint, created_at, updated_at)
      SELECT ${c.id}, ${c.reference}, ${c.type}, ${c.channel}, ${c.agencyId}, ${c.serviceId}, ${c.categoryId},
        ${c.subjectAgencyId}, ${c.sealed}, citizen.id, ${c.language}, ${c.pinHash}, ${c.title}, ${c.description},
        ${c.countyCode}, ${c.subCounty}, ${c.ward}, ${c.latitude}, ${c.longitude}, ${c.attachments}::jsonb,
        ${c.idempotencyKey}, ${c.idempotencyFingerprint}, ${c.createdAt}, ${c.createdAt}
      FROM citizen
      ON CONFLICT DO NOTHING
      RETURNING id
    ),
    stream AS (
      INSERT INTO event_streams (id, seq, head_hash)
      SELECT id::text, 1, ${row.event.hash} FROM new_case
      RETURNING id
    )
    INSERT INTO events (stream_id, seq, case_id, kind, public, actor_type, actor_id, data, created_at, prev_hash, hash)
    SELECT stream.id, 1, ${c.id}, ${row.event.kind}, true, 'citizen', NULL, ${row.event.data}::jsonb,
      ${row.event.createdAt}, ${row.event.prevHash}, ${row.event.hash}
    FROM stream
    RETURNING seq
  `.execute(db);
  return result.rows.length === 1;
}
