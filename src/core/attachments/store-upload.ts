import { createHash, randomBytes } from 'node:crypto';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import { sha256 } from '../security/secrets.ts';
import type { AcceptedFile } from './accept-upload.ts';

/**
 * Keeps an accepted file until the case or answer it belongs to is sent. The uploader gets a
 * handle, `<id>.<token>`: only its holder can attach the file, and the token is stored hashed.
 */
export async function storeUpload(db: Db, file: AcceptedFile, now: Date): Promise<string> {
  const id = timeOrderedUuid();
  const token = randomBytes(18).toString('base64url');
  await db
    .insertInto('uploads')
    .values({
      id,
      tokenHash: sha256(token),
      name: file.name,
      contentType: file.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      content: file.bytes,
      createdAt: now,
    })
    .execute();
  return `${id}.${token}`;
}
