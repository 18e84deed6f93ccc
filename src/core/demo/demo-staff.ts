import { createHash } from 'node:crypto';
import type { Db } from '../../db/open-database.ts';
import type { StaffRole } from '../../db/schema.ts';
import type { PilotAgencyCode } from '../agencies/pilot-catalogue.ts';
import { appendEvents, SYSTEM_ACTOR } from '../events/append-events.ts';
import { hashPassword } from '../staff/passwords.ts';

/**
 * The one password of every demo account. Demo accounts are for trying Baraza out: anyone who has
 * read this file can sign in as them, so a real deployment must not load the demo
 * (BARAZA_SEED_DEMO=false) or must deactivate these accounts before going live.
 */
export const DEMO_PASSWORD = 'baraza-demo-2026';

export const DEMO_DOMAIN = 'demo.baraza.go.ke';

export interface DemoAccount {
  email: string;
  name: string;
  role: StaffRole;
  agencyCode: PilotAgencyCode | null;
}

const agencyTeam = (
  code: PilotAgencyCode,
  officer: string,
  supervisor: string,
  admin: string,
): DemoAccount[] => {
  const domain = `${code.toLowerCase()}.${DEMO_DOMAIN}`;
  return [
    { email: `officer@${domain}`, name: officer, role: 'officer', agencyCode: code },
    { email: `supervisor@${domain}`, name: supervisor, role: 'supervisor', agencyCode: code },
    { email: `admin@${domain}`, name: admin, role: 'agency_admin', agencyCode: code },
  ];
};

/** officer@kra.demo.baraza.go.ke and so on: who signs in as what is guessable from the address. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  ...agencyTeam('KRA', 'Grace Wanjiku', 'Peter Otieno', 'Halima Abdi'),
  ...agencyTeam('DIS', 'Brian Kiprop', 'Esther Nyambura', 'Joseph Mutua'),
  ...agencyTeam('BRS', 'Faith Chebet', 'Daniel Kariuki', 'Naomi Moraa'),
  ...agencyTeam('NPS', 'Collins Barasa', 'Beatrice Akinyi', 'Samuel Korir'),
  ...agencyTeam('MOH', 'Mercy Ndinda', 'Hassan Said', 'Caroline Njoroge'),
  { email: `officer@clr.${DEMO_DOMAIN}`, name: 'Dennis Ochieng', role: 'clearing_house', agencyCode: 'CLR' },
  { email: `supervisor@clr.${DEMO_DOMAIN}`, name: 'Lucy Wambui', role: 'supervisor', agencyCode: 'CLR' },
  { email: `agent@clr.${DEMO_DOMAIN}`, name: 'Kevin Omondi', role: 'agent', agencyCode: 'CLR' },
  { email: `oversight@eacc.${DEMO_DOMAIN}`, name: 'Fatuma Mohamud', role: 'oversight', agencyCode: 'EACC' },
  { email: `sysadmin@${DEMO_DOMAIN}`, name: 'Stephen Kimani', role: 'sysadmin', agencyCode: null },
];

/** Who does what on one agency's demo cases. */
export interface DemoTeam {
  /** Change statuses, respond and take notes; listed as often as they act. */
  workers: string[];
  /** Assigns cases to colleagues and changes priorities. */
  supervisor: string;
  /** Whom cases are assigned to. */
  assignees: string[];
  /** Who transfers a case out of this agency. */
  transferrer: string;
}

/** Ids follow from the address, so the demo's accounts are the same in every database. */
function demoStaffId(email: string): string {
  const hex = createHash('sha256').update(`baraza-demo-staff:${email}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Creates the demo accounts that are missing, with one 'staff.created' event each, and returns the
 * teams by agency code. Accounts that already exist (by e-mail) are kept as they are, with their
 * own ids: the teams are read back from the database, so cases are assigned to whoever holds the
 * address.
 */
export async function createDemoStaff(
  db: Db,
  agencyIds: ReadonlyMap<string, string>,
  createdAt: Date,
): Promise<{ created: number; teams: Map<PilotAgencyCode, DemoTeam> }> {
  const emails = DEMO_ACCOUNTS.map((account) => account.email);
  const existing = new Set(
    (await db.selectFrom('staffUsers').select('email').where('email', 'in', emails).execute()).map(
      (u) => u.email,
    ),
  );
  const missing = DEMO_ACCOUNTS.filter((account) => !existing.has(account.email));
  let created = 0;
  if (missing.length > 0) {
    // argon2 is slow on purpose: hash the shared password once, not once per account.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const rows = missing.map((account) => ({
      id: demoStaffId(account.email),
      email: account.email,
      name: account.name,
      role: account.role,
      agencyId: account.agencyCode ? requireAgency(agencyIds, account.agencyCode) : null,
      passwordHash,
      createdAt,
    }));
    created = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('staffUsers')
        .values(rows)
        .onConflict((oc) => oc.column('email').doNothing())
        .returning(['id', 'email', 'role', 'agencyId'])
        .execute();
      await appendEvents(
        trx,
        { id: 'system', caseId: null },
        SYSTEM_ACTOR,
        inserted.map((user) => ({
          kind: 'staff.created',
          public: false,
          data: { userId: user.id, email: user.email, role: user.role, agencyId: user.agencyId },
        })),
        createdAt,
      );
      return inserted.length;
    });
  }

  const users = await db
    .selectFrom('staffUsers')
    .select(['id', 'email'])
    .where('email', 'in', emails)
    .execute();
  const idOf = new Map(users.map((user) => [user.email, user.id]));
  const id = (role: string, code: PilotAgencyCode) => {
    const found = idOf.get(`${role}@${code.toLowerCase()}.${DEMO_DOMAIN}`);
    if (!found) throw new Error(`the demo account ${role}@${code.toLowerCase()}.${DEMO_DOMAIN} is missing`);
    return found;
  };
  const teams = new Map<PilotAgencyCode, DemoTeam>();
  for (const code of ['KRA', 'DIS', 'BRS', 'NPS', 'MOH'] as const) {
    const [officer, supervisor, admin] = [id('officer', code), id('supervisor', code), id('admin', code)];
    teams.set(code, {
      workers: [officer, officer, officer, officer, supervisor, admin],
      supervisor,
      assignees: [officer, officer, officer, supervisor],
      transferrer: officer,
    });
  }
  const [clearing, clearingSupervisor, agent] = [
    id('officer', 'CLR'),
    id('supervisor', 'CLR'),
    id('agent', 'CLR'),
  ];
  teams.set('CLR', {
    workers: [clearing, clearing, agent, clearingSupervisor],
    supervisor: clearingSupervisor,
    assignees: [clearing, clearing, agent],
    transferrer: clearing,
  });
  const oversight = id('oversight', 'EACC');
  teams.set('EACC', {
    workers: [oversight],
    supervisor: oversight,
    assignees: [oversight],
    transferrer: oversight,
  });
  return { created, teams };
}

function requireAgency(agencyIds: ReadonlyMap<string, string>, code: string): string {
  const found = agencyIds.get(code);
  if (!found) throw new Error(`agency ${code} is not in the database: load the reference data first`);
  return found;
}
