import type { Db } from '../../db/open-database.ts';
import type { CitizenIdentity } from '../../db/schema.ts';
import { sha256 } from '../security/secrets.ts';
import { SIGN_IN } from './sign-in-policy.ts';

/**
 * Who holds this session token, or null when it is unknown, past its 12 hours, or idle for more
 * than 20 minutes (an ended session is deleted). Being seen keeps it alive; last_seen_at is written
 * at most once a minute, so browsing a page of cases is not a write per request.
 */
export async function findCitizenSession(
  deps: { db: Db; now: () => Date },
  token: string,
): Promise<{ identity: CitizenIdentity } | null> {
  if (!token) return null;
  const now = deps.now();
  const tokenHash = sha256(token);
  const session = await deps.db
    .selectFrom('citizenSessions')
    .select(['identity', 'lastSeenAt', 'expiresAt'])
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!session) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= now || idle > SIGN_IN.sessionIdleMinutes * 60_000) {
    await deps.db.deleteFrom('citizenSessions').where('tokenHash', '=', tokenHash).execute();
    return null;
  }
  if (idle > 60_000) {
    await deps.db
      .updateTable('citizenSessions')
      .set({ lastSeenAt: now })
      .where('tokenHash', '=', tokenHash)
      .execute();
  }
  return { identity: session.identity as CitizenIdentity };
}
