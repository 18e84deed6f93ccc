import type { Db } from '../../db/open-database.ts';
import type { Attachment } from '../../db/schema.ts';
import { sha256 } from '../security/secrets.ts';

const HANDLE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{10,64})$/;

export interface UploadSummary extends Attachment {
  id: string;
}

/**
 * The uploads a form holds, by their handles: those whose token matches (the holder uploaded
 * them; a retried submission finds them again, attached by then). Unknown or forged handles are
 * left out, never an error: the citizen sees the list of what will be sent before sending.
 */
export async function findUploads(db: Db, handles: readonly string[]): Promise<UploadSummary[]> {
  const parsed = handles.map((h) => HANDLE.exec(h)).filter((m): m is RegExpExecArray => m !== null);
  if (parsed.length === 0) return [];
  const rows = await db
    .selectFrom('uploads')
    .select(['id', 'tokenHash', 'name', 'contentType', 'size'])
    .where(
      'id',
      'in',
      parsed.map((m) => m[1] as string),
    )
    .execute();
  return parsed.flatMap((m) => {
    const row = rows.find((r) => r.id === m[1]);
    if (!row || row.tokenHash !== sha256(m[2] as string)) return [];
    return [{ id: row.id, name: row.name, contentType: row.contentType, size: row.size }];
  });
}

/**
 * Attaches uploads to a case (and the event that carried them). Idempotent: a retried submission
 * attaches the same files to the same case again, and a file attached to one case cannot move.
 */
export async function attachUploads(
  db: Db,
  uploads: readonly UploadSummary[],
  target: { caseId: string; eventSeq: number | null },
  now: Date,
): Promise<void> {
  if (uploads.length === 0) return;
  await db
    .updateTable('uploads')
    .set({ caseId: target.caseId, eventSeq: target.eventSeq, attachedAt: now })
    .where(
      'id',
      'in',
      uploads.map((u) => u.id),
    )
    .where((eb) => eb.or([eb('caseId', 'is', null), eb('caseId', '=', target.caseId)]))
    .execute();
}
