import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ActorType } from '../../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface EventContent {
  streamId: string;
  seq: number;
  caseId: string | null;
  kind: string;
  public: boolean;
  actorType: ActorType;
  actorId: string | null;
  data: Record<string, unknown>;
  /** ISO 8601 with milliseconds; PostgreSQL keeps microseconds, so this round-trips exactly. */
  createdAt: string;
}

/**
 * sha256 over the previous hash and the canonical JSON (RFC 8785) of the event. Canonical JSON
 * matters because jsonb does not keep key order: the verifier re-reads data from jsonb and must
 * get the same bytes.
 */
export function hashEvent(prevHash: string, event: EventContent): string {
  const body = canonicalize({ ...event, prevHash });
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}
