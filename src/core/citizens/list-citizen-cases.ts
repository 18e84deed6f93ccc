import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseStatus, CaseType, CitizenIdentity, Language } from '../../db/schema.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { identityParts } from './citizen-identity.ts';

export interface CitizenCaseSummary {
  reference: string;
  type: CaseType;
  status: CaseStatus;
  agency: { code: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
  /** The next moment the agency owes the citizen something; null while it waits for the citizen. */
  nextDueAt: Date | null;
  anonymous: boolean;
  /** A corruption report: listed without its kind or the body handling it (the phone may be shared). */
  sealed: boolean;
}

export const MY_CASES_LIMIT = 200;

/**
 * "My cases": the cases sent with this phone number or e-mail address, and the ones the citizen
 * added with a reference and PIN (claimCase), newest first. Only these summary fields, for sealed
 * corruption reports too: anything more is behind the case's own PIN.
 *
 * An e-mail address counts only on cases sent without a phone number. A case sent with a phone
 * joins the one citizen row for that phone, and the first e-mail address anyone gave with that
 * phone sticks to the row: trusting it would let someone who typed a stranger's phone and their own
 * address read the stranger's list. Those cases are the phone's, seen by signing in with it.
 */
export async function listCitizenCases(
  deps: { db: Db; reference: ReferenceCache },
  identity: CitizenIdentity,
  language: Language,
): Promise<CitizenCaseSummary[]> {
  const rows = await selectCitizenCases(deps.db, identity).execute();
  return rows.map((row) => {
    const agency = row.sealed ? undefined : deps.reference.agencyById(row.agencyId);
    return {
      reference: row.reference,
      type: row.type,
      status: row.status,
      agency: {
        code: agency?.code ?? null,
        name: agency ? (language === 'sw' && agency.nameSw) || agency.name : '',
      },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      nextDueAt: row.status === 'awaiting_citizen' ? null : row.nextDueAt,
      anonymous: row.citizenId === null,
      sealed: row.sealed,
    };
  });
}

/** The query behind listCitizenCases, exported for the test that checks its plan. */
export function selectCitizenCases(db: Db, identity: CitizenIdentity) {
  const { kind, value } = identityParts(identity);
  const citizens =
    kind === 'phone'
      ? db.selectFrom('citizens').select('id').where('phone', '=', value)
      : db
          .selectFrom('citizens')
          .select('id')
          .where(sql<string>`lower(email)`, '=', value)
          .where('email', 'is not', null)
          .where('phone', 'is', null);
  const claimed = db.selectFrom('citizenCaseClaims').select('caseId').where('identity', '=', identity);
  // = ANY(ARRAY(subquery)) runs each subquery once and looks the cases up by index (citizen_id and
  // the primary key); IN (subquery) under an OR would read every case.
  return db
    .selectFrom('cases')
    .select([
      'id',
      'reference',
      'type',
      'status',
      'agencyId',
      'citizenId',
      'createdAt',
      'updatedAt',
      'nextDueAt',
      'sealed',
    ])
    .where((eb) =>
      eb.or([
        eb('citizenId', '=', sql<string>`ANY(ARRAY(${citizens}))`),
        eb('id', '=', sql<string>`ANY(ARRAY(${claimed}))`),
      ]),
    )
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(MY_CASES_LIMIT);
}
