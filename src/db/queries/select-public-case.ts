import { sql } from 'kysely';
import { Batcher } from '../batcher.ts';
import type { Db } from '../open-database.ts';
import type { CaseStatus, CaseType, Priority } from '../schema.ts';

interface CaseColumns {
  id: string;
  reference: string;
  type: CaseType;
  status: CaseStatus;
  priority: Priority;
  sealed: boolean;
  agencyId: string;
  serviceId: string | null;
  countyCode: string | null;
  citizenId: string | null;
  pinHash: string;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  nextDueAt: Date | null;
  rating: number | null;
}

export interface PublicCaseRows extends CaseColumns {
  events: { kind: string; data: Record<string, unknown>; createdAt: Date }[];
}

/**
 * Tracking is the most frequent read, so it is one plain statement for any number of references
 * (concurrent lookups share one, through publicCaseReader): each case and its public events as
 * rows (no JSON building in the database), found through the reference index and the events
 * primary key (a case's stream id is its id). Names of agencies, services and counties
 * come from the in-memory reference cache, not joins. Columns are named in camelCase here, and the
 * case-converting plugin is skipped: on this hot path it cost a third of the query's time.
 */
export async function selectPublicCases(
  db: Db,
  references: readonly string[],
): Promise<(PublicCaseRows | undefined)[]> {
  const { rows } = await sql<
    CaseColumns & {
      eventKind: string | null;
      eventData: Record<string, unknown> | null;
      eventAt: Date | null;
    }
  >`
    SELECT c.id, c.reference, c.type, c.status, c.priority, c.sealed, c.agency_id AS "agencyId",
      c.service_id AS "serviceId", c.county_code AS "countyCode", c.citizen_id AS "citizenId",
      c.pin_hash AS "pinHash", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
      c.resolved_at AS "resolvedAt", c.next_due_at AS "nextDueAt", c.rating, e.kind AS "eventKind", e.data AS "eventData",
      e.created_at AS "eventAt"
    FROM cases c
    LEFT JOIN events e ON e.stream_id = c.id::text AND e.public
    WHERE c.reference = ANY(${references}::text[])
    ORDER BY c.reference, e.seq
  `.execute(db.withoutPlugins());
  const found = new Map<string, PublicCaseRows>();
  for (const { eventKind, eventData, eventAt, ...kase } of rows) {
    let entry = found.get(kase.reference);
    if (!entry) {
      entry = { ...kase, events: [] };
      found.set(kase.reference, entry);
    }
    if (eventKind && eventData && eventAt)
      entry.events.push({ kind: eventKind, data: eventData, createdAt: eventAt });
  }
  return references.map((reference) => found.get(reference));
}

export type PublicCaseReader = Batcher<string, PublicCaseRows | undefined>;

/** Looks cases up by reference, concurrent lookups sharing one query. */
export const publicCaseReader = (db: Db): PublicCaseReader =>
  new Batcher((references) => selectPublicCases(db, references));
