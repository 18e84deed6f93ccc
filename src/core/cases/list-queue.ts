import type { Db } from '../../db/open-database.ts';
import type { CaseStatus, CaseType, Channel, Priority } from '../../db/schema.ts';
import { visibleCases } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { invalidInput } from '../errors.ts';
import { isUuid } from '../ids.ts';

export interface QueueFilters {
  status?: CaseStatus[] | undefined;
  type?: CaseType | undefined;
  channel?: Channel | undefined;
  priority?: Priority | undefined;
  county?: string | undefined;
  serviceId?: string | undefined;
  /** 'me', 'none', or a user id */
  assignee?: string | undefined;
  sealed?: boolean | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  q?: string | undefined;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
}

export interface QueueItem {
  id: string;
  reference: string;
  type: CaseType;
  channel: Channel;
  status: CaseStatus;
  priority: Priority;
  agencyCode: string | null;
  queue: 'main' | 'supervisor';
  sealed: boolean;
  countyCode: string | null;
  assigneeId: string | null;
  summary: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A queue page, newest first, paged by keyset on (created_at, id) so page 5,000 is as fast as
 * page 1 on an agency with a million cases. The visibility rule is applied here, in the query.
 */
export async function listQueue(
  db: Db,
  principal: Principal,
  filters: QueueFilters,
  page: { limit: number; cursor?: string | undefined },
): Promise<QueuePage> {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'none') return { items: [], nextCursor: null };
  let query = db
    .selectFrom('cases as c')
    .innerJoin('agencies as a', 'a.id', 'c.agencyId')
    .select([
      'c.id',
      'c.reference',
      'c.type',
      'c.channel',
      'c.status',
      'c.priority',
      'a.code as agencyCode',
      'c.queue',
      'c.sealed',
      'c.countyCode',
      'c.assigneeId',
      'c.description',
      'c.createdAt',
      'c.updatedAt',
    ]);
  if (visibility.kind === 'agency') {
    query = query.where('c.agencyId', '=', visibility.agencyId).where('c.sealed', '=', false);
  }
  if (filters.sealed !== undefined) query = query.where('c.sealed', '=', filters.sealed);
  if (filters.status?.length) query = query.where('c.status', 'in', filters.status);
  if (filters.type) query = query.where('c.type', '=', filters.type);
  if (filters.channel) query = query.where('c.channel', '=', filters.channel);
  if (filters.priority) query = query.where('c.priority', '=', filters.priority);
  if (filters.county) query = query.where('c.countyCode', '=', filters.county);
  if (filters.serviceId) query = query.where('c.serviceId', '=', filters.serviceId);
  if (filters.from) query = query.where('c.createdAt', '>=', filters.from);
  if (filters.to) query = query.where('c.createdAt', '<', filters.to);
  if (filters.assignee === 'none') query = query.where('c.assigneeId', 'is', null);
  else if (filters.assignee === 'me') {
    query = query.where('c.assigneeId', '=', principal.kind === 'staff' ? principal.userId : null);
  } else if (filters.assignee) query = query.where('c.assigneeId', '=', filters.assignee);
  if (filters.q) {
    const words = filters.q.trim();
    query = query.where((eb) =>
      eb.or([
        eb('c.reference', '=', words.replace(/[\s-]/g, '')),
        eb('c.description', 'ilike', `%${escapeLike(words)}%`),
      ]),
    );
  }
  if (page.cursor) {
    const { createdAt, id } = decodeCursor(page.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('c.createdAt', '<', createdAt),
        eb.and([eb('c.createdAt', '=', createdAt), eb('c.id', '<', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('c.createdAt', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map(({ description, ...row }) => ({
    ...row,
    summary: description.length > 140 ? `${description.slice(0, 139)}…` : description,
  }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  const year = createdAt.getUTCFullYear();
  if (
    !id ||
    !isUuid(id) ||
    Number.isNaN(year) ||
    year < 2000 ||
    year > 9999 ||
    createdAt.toISOString() !== at
  ) {
    throw invalidInput('cursor', 'this paging cursor is not one Baraza gave out');
  }
  return { createdAt, id };
}
