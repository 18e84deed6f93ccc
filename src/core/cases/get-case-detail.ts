import type { Db } from '../../db/open-database.ts';
import type { CaseRow } from '../../db/schema.ts';
import { assertCan } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { notFound } from '../errors.ts';
import { parseReference } from './reference.ts';

export interface CaseDetail {
  case: Omit<CaseRow, 'pinHash' | 'idempotencyFingerprint'> & { agencyCode: string | null };
  citizen: {
    id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    preferredLanguage: string;
  } | null;
  timeline: {
    seq: number;
    kind: string;
    public: boolean;
    actorType: string;
    actorId: string | null;
    actorName: string | null;
    data: Record<string, unknown>;
    createdAt: Date;
  }[];
}

/** The whole case for staff who may read it: every event, public and internal, with who did it. */
export async function getCaseDetail(db: Db, principal: Principal, reference: string): Promise<CaseDetail> {
  const ref = parseReference(reference);
  const row = await db
    .selectFrom('cases as c')
    .innerJoin('agencies as a', 'a.id', 'c.agencyId')
    .selectAll('c')
    .select('a.code as agencyCode')
    .where('c.reference', '=', ref)
    .executeTakeFirst();
  // Not-yours answers as not-found: staff cannot probe which references exist elsewhere.
  if (!row) throw notFound('The case');
  try {
    assertCan(principal, 'read', row);
  } catch {
    throw notFound('The case');
  }
  const [citizen, events] = await Promise.all([
    row.citizenId
      ? db
          .selectFrom('citizens')
          .select(['id', 'name', 'phone', 'email', 'preferredLanguage'])
          .where('id', '=', row.citizenId)
          .executeTakeFirst()
      : undefined,
    db
      .selectFrom('events as e')
      .leftJoin('staffUsers as u', (join) =>
        join.on((eb) =>
          eb.and([eb('e.actorType', '=', 'staff'), eb(eb.cast('u.id', 'text'), '=', eb.ref('e.actorId'))]),
        ),
      )
      .select([
        'e.seq',
        'e.kind',
        'e.public',
        'e.actorType',
        'e.actorId',
        'u.name as actorName',
        'e.data',
        'e.createdAt',
      ])
      .where('e.streamId', '=', row.id)
      .orderBy('e.seq')
      .execute(),
  ]);
  const { pinHash: _pin, idempotencyFingerprint: _fp, ...kase } = row;
  return { case: kase, citizen: citizen ?? null, timeline: events };
}
