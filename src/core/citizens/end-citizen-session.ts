import type { Db } from '../../db/open-database.ts';
import { sha256 } from '../security/secrets.ts';

/** Signs out: the token stops working at once, here and on any copy of the cookie. */
export async function endCitizenSession(deps: { db: Db }, token: string): Promise<void> {
  if (!token) return;
  await deps.db.deleteFrom('citizenSessions').where('tokenHash', '=', sha256(token)).execute();
}
