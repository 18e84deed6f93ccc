import { sql } from 'kysely';
import { Batcher } from '../batcher.ts';
import type { Db } from '../open-database.ts';
import type { Language } from '../schema.ts';

export interface SubmissionRow {
  case: {
    id: string;
    reference: string;
    type: string;
    channel: string;
    priority: string;
    queue: string;
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
    nextDueAt: Date | null;
  };
  /** The case's SLA clocks, as JSON (core/sla), started with it. */
  clocks: string;
  citizen:
    | { id: string; name: string | null; phone: string | null; email: string | null; language: Language }
    | undefined;
  /** The triage decision, as JSON, kept with the case for staff. */
  triage: { modelVersion: string; decision: string };
  event: { kind: string; data: string; hash: string; prevHash: string; createdAt: string };
}

/**
 * Writes new cases, their citizens, SLA clocks and first events, any number in one statement: the row
 * values travel as arrays and `unnest` turns them back into rows. Returns, for each row in order,
 * whether its case was written: a conflict on the reference or the idempotency key writes nothing
 * for that row (not even a duplicate within the same batch), and the caller decides which it was.
 * Citizens are matched by phone; two rows with one phone in a batch share the first one's record.
 */
export async function insertSubmissions(db: Db, rows: readonly SubmissionRow[]): Promise<boolean[]> {
  const column = <T>(pick: (row: SubmissionRow) => T) => rows.map(pick);
  const c = (row: SubmissionRow) => row.case;
  const result = await sql<{ id: string }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${column((r) => c(r).id)}::uuid[], ${column((r) => c(r).reference)}::text[],
        ${column((r) => c(r).type)}::text[], ${column((r) => c(r).channel)}::text[],
        ${column((r) => c(r).agencyId)}::text[], ${column((r) => c(r).serviceId)}::text[],
        ${column((r) => c(r).categoryId)}::text[], ${column((r) => c(r).subjectAgencyId)}::text[],
        ${column((r) => c(r).sealed)}::boolean[], ${column((r) => c(r).language)}::text[],
        ${column((r) => c(r).pinHash)}::text[], ${column((r) => c(r).title)}::text[],
        ${column((r) => c(r).description)}::text[], ${column((r) => c(r).countyCode)}::text[],
        ${column((r) => c(r).subCounty)}::text[], ${column((r) => c(r).ward)}::text[],
        ${column((r) => c(r).latitude)}::float8[], ${column((r) => c(r).longitude)}::float8[],
        ${column((r) => c(r).attachments)}::text[], ${column((r) => c(r).idempotencyKey)}::text[],
        ${column((r) => c(r).idempotencyFingerprint)}::text[], ${column((r) => c(r).createdAt)}::timestamptz[],
        ${column((r) => r.citizen?.id ?? null)}::uuid[], ${column((r) => r.citizen?.name ?? null)}::text[],
        ${column((r) => r.citizen?.phone ?? null)}::text[], ${column((r) => r.citizen?.email ?? null)}::text[],
        ${column((r) => r.citizen?.language ?? null)}::text[],
        ${column((r) => r.event.kind)}::text[], ${column((r) => r.event.data)}::text[],
        ${column((r) => r.event.hash)}::text[], ${column((r) => r.event.prevHash)}::text[],
        ${column((r) => r.event.createdAt)}::timestamptz[],
        ${column((r) => c(r).priority)}::text[], ${column((r) => c(r).queue)}::text[],
        ${column((r) => r.triage.modelVersion)}::text[], ${column((r) => r.triage.decision)}::text[],
        ${column((r) => c(r).nextDueAt)}::timestamptz[], ${column((r) => r.clocks)}::text[]
      ) WITH ORDINALITY AS t(id, reference, type, channel, agency_id, service_id, category_id,
        subject_agency_id, sealed, language, pin_hash, title, description, county_code, sub_county, ward,
        latitude, longitude, attachments, idempotency_key, idempotency_fingerprint, created_at,
        citizen_id, citizen_name, citizen_phone, citizen_email, citizen_language,
        event_kind, event_data, event_hash, event_prev_hash, event_created_at,
        priority, queue, triage_model_version, triage_decision, next_due_at, clocks, ord)
    ),
    by_phone AS (
      INSERT INTO citizens (id, name, phone, email, preferred_language)
      SELECT DISTINCT ON (citizen_phone) citizen_id, citizen_name, citizen_phone, citizen_email, citizen_language
      FROM input WHERE citizen_phone IS NOT NULL
      ORDER BY citizen_phone, ord
      ON CONFLICT (phone) DO UPDATE SET
        name = COALESCE(citizens.name, EXCLUDED.name),
        email = COALESCE(citizens.email, EXCLUDED.email)
      RETURNING id, phone
    ),
    by_email AS (
      INSERT INTO citizens (id, name, phone, email, preferred_language)
      SELECT citizen_id, citizen_name, NULL, citizen_email, citizen_language
      FROM input WHERE citizen_phone IS NULL AND citizen_id IS NOT NULL
      RETURNING id
    ),
    new_cases AS (
      INSERT INTO cases (id, reference, type, channel, priority, queue, agency_id, service_id, category_id,
        subject_agency_id, sealed, citizen_id, language, pin_hash, title, description, county_code, sub_county,
        ward, latitude, longitude, attachments, idempotency_key, idempotency_fingerprint, created_at, updated_at,
        next_due_at)
      SELECT i.id, i.reference, i.type, i.channel, i.priority, i.queue, i.agency_id, i.service_id, i.category_id,
        i.subject_agency_id,
        i.sealed, COALESCE(p.id, i.citizen_id), i.language, i.pin_hash, i.title, i.description, i.county_code,
        i.sub_county, i.ward, i.latitude, i.longitude, i.attachments::jsonb, i.idempotency_key,
        i.idempotency_fingerprint, i.created_at, i.created_at, i.next_due_at
      FROM input i LEFT JOIN by_phone p ON p.phone = i.citizen_phone
      ORDER BY i.ord
      ON CONFLICT DO NOTHING
      RETURNING id
    ),
    triaged AS (
      INSERT INTO case_triage (case_id, model_version, decision, decided_at)
      SELECT n.id, i.triage_model_version, i.triage_decision::jsonb, i.created_at
      FROM new_cases n JOIN input i ON i.id = n.id
    ),
    clocked AS (
      INSERT INTO case_clocks (case_id, clock, status, mode, calendar_id, target_seconds, policy, started_at,
        due_at, warn_at, fire_at)
      SELECT n.id, k.clock, k.status, k.mode, k."calendarId", k."targetSeconds", k.policy, k."startedAt",
        k."dueAt", k."warnAt", k."fireAt"
      FROM new_cases n JOIN input i ON i.id = n.id,
        jsonb_to_recordset(i.clocks::jsonb) AS k(clock text, status text, mode text, "calendarId" text,
          "targetSeconds" integer, policy text, "startedAt" timestamptz, "dueAt" timestamptz,
          "warnAt" timestamptz, "fireAt" timestamptz)
    ),
    streams AS (
      INSERT INTO event_streams (id, seq, head_hash)
      SELECT n.id::text, 1, i.event_hash FROM new_cases n JOIN input i ON i.id = n.id
      RETURNING id
    )
    INSERT INTO events (stream_id, seq, case_id, kind, public, actor_type, actor_id, data, created_at, prev_hash, hash)
    SELECT s.id, 1, i.id, i.event_kind, true, 'citizen', NULL, i.event_data::jsonb, i.event_created_at,
      i.event_prev_hash, i.event_hash
    FROM streams s JOIN input i ON i.id::text = s.id
    RETURNING case_id AS id
  `.execute(db);
  const written = new Set(result.rows.map((row) => row.id));
  return rows.map((row) => written.has(row.case.id));
}

export type SubmissionWriter = Batcher<SubmissionRow, boolean>;

/** Group commit: submissions that arrive while a write is in flight are written together next. */
export const submissionWriter = (db: Db): SubmissionWriter =>
  new Batcher((rows) => insertSubmissions(db, rows));
