import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { CaseRow, StaffRole } from '../../db/schema.ts';
import type { EscalationLevel } from './sla-policy.ts';

/** Who answers for a case at each escalation level. */
const ROLES_AT: Record<EscalationLevel, readonly StaffRole[]> = {
  officer: ['officer', 'agent'],
  supervisor: ['supervisor'],
  // An agency without a head on Baraza has its administrator told instead.
  agency_head: ['agency_head', 'agency_admin'],
  oversight: ['oversight'],
};

/**
 * The people to tell about a case at a level: for the officer level its assignee when it has one;
 * otherwise the active staff of the owning agency in the level's roles (the oversight body's staff
 * for the oversight level, and for every level of a sealed report).
 */
export async function recipientsAt(
  db: Db,
  kase: Pick<CaseRow, 'agencyId' | 'assigneeId' | 'sealed'>,
  level: EscalationLevel,
): Promise<string[]> {
  if (level === 'officer' && kase.assigneeId) return [kase.assigneeId];
  const roles = kase.sealed ? ROLES_AT.oversight : ROLES_AT[level === 'officer' ? 'supervisor' : level];
  let query = db
    .selectFrom('staffUsers')
    .select(['id', 'role'])
    .where('active', '=', true)
    .where('role', 'in', roles);
  if (level !== 'oversight' && !kase.sealed) query = query.where('agencyId', '=', kase.agencyId);
  const rows = await query.execute();
  // Prefer the first role listed (the head over the administrator) when both exist.
  for (const role of roles) {
    const people = rows.filter((r) => r.role === role).map((r) => r.id);
    if (people.length > 0) return people;
  }
  return [];
}

export async function notifyStaff(
  db: Db,
  userIds: readonly string[],
  notification: { caseId: string; kind: string; data: Record<string, unknown>; at: Date },
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('staffNotifications')
    .values(
      [...new Set(userIds)].map((userId) => ({
        id: timeOrderedUuid(),
        userId,
        caseId: notification.caseId,
        kind: notification.kind,
        data: JSON.stringify(notification.data),
        createdAt: notification.at,
      })),
    )
    .execute();
}
