import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseStatus, CaseType, Channel, Database, Priority } from '../../db/schema.ts';
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
  /** Only cases escalated above the officer, or with a deadline passed before this moment. */
  needsAttentionAt?: Date | undefined;
}

/** 'due': open cases by next due time, soonest (most overdue) first, then the rest newest first. */
export type QueueSort = 'due' | 'newest';

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
  escalationLevel: string;
  nextDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A queue page, by next due time (the default) or newest first, paged by keyset so page 5,000 is as
 * fast as page 1 on an agency with a million cases: (next_due_at, id) for open cases on their own
 * index, then (created_at, id) for cases with nothing due. The visibility rule is applied here,
 * in the query.
 */
export async function listQueue(
  db: Db,
  principal: Principal,
  filters: QueueFilters,
  page: { limit: number; cursor?: string | undefined; sort?: QueueSort | undefined },
): Promise<QueuePage> {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'none') return { items: [], nextCursor: null };
  const base = () => filtered(db, principal, visibility, filters);
  const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
  const sort = page.sort ?? 'due';
  let rows: Row[] = [];
  if (sort === 'due' && (!cursor || cursor.phase === 'due')) {
    let query = base().where('c.nextDueAt', 'is not', null);
    if (cursor) query = query.where(keyset('c.nextDueAt', '>', cursor));
    rows = await query
      .orderBy('c.nextDueAt')
      .orderBy('c.id')
      .limit(page.limit + 1)
      .execute();
    if (rows.length > page.limit) return pageOf(rows, page.limit, sort);
  }
  // Newest first: the whole queue, or (sorting by due time) what has nothing due, after the rest.
  let query = base();
  if (sort === 'due') query = query.where('c.nextDueAt', 'is', null);
  if (cursor && (sort === 'newest' || cursor.phase === 'new'))
    query = query.where(keyset('c.createdAt', '<', cursor));
  const rest = await query
    .orderBy('c.createdAt', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit - rows.length + 1)
    .execute();
  return pageOf([...rows, ...rest], page.limit, sort);
}

type Row = Awaited<ReturnType<ReturnType<typeof filtered>['execute']>>[number];

function pageOf(rows: Row[], limit: number, sort: QueueSort): QueuePage {
  const items = rows.slice(0, limit).map(({ description, ...row }) => ({
    ...row,
    summary: description.length > 140 ? `${description.slice(0, 139)}…` : description,
  }));
  const last = items[items.length - 1];
  if (rows.length <= limit || !last) return { items, nextCursor: null };
  // Sorting by due time, a page that ends among the due cases continues there; else newest first.
  const phase = sort === 'due' && last.nextDueAt ? 'due' : 'new';
  const at = phase === 'due' ? (last.nextDueAt as Date) : last.createdAt;
  return { items, nextCursor: encodeCursor({ phase, at, id: last.id }) };
}

/**
 * (column, id) after the cursor. Ascending due order compares rows, so the index
 * (agency_id, next_due_at, id) bounds the scan; the newest-first order keeps the form the
 * descending index (agency_id, created_at DESC, id DESC) was measured with.
 */
function keyset(column: 'c.nextDueAt' | 'c.createdAt', op: '>' | '<', cursor: Cursor) {
  return (eb: ExpressionBuilder<QueueScope, 'c'>) =>
    column === 'c.nextDueAt'
      ? eb(eb.refTuple(column, 'c.id'), op, eb.tuple(cursor.at, cursor.id))
      : eb.or([eb(column, op, cursor.at), eb.and([eb(column, '=', cursor.at), eb('c.id', op, cursor.id)])]);
}

type QueueScope = Database & { c: Database['cases']; a: Database['agencies'] };

function filtered(
  db: Db,
  principal: Principal,
  visibility: Exclude<ReturnType<typeof visibleCases>, { kind: 'none' }>,
  filters: QueueFilters,
) {
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
      'c.escalationLevel',
      'c.nextDueAt',
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
  const attentionAt = filters.needsAttentionAt;
  if (attentionAt) {
    query = query.where((eb) =>
      eb.or([eb('c.escalationLevel', '<>', 'officer'), eb('c.nextDueAt', '<', attentionAt)]),
    );
  }
  if (filters.q) {
    const text = filters.q.trim();
    const words = searchQuery(text);
    query = query.where((eb) =>
      eb.or([
        eb('c.reference', '=', text.replace(/[\s-]/g, '')),
        ...(words ? [sql<boolean>`${sql.raw(CASE_TEXT)} @@ to_tsquery('simple', ${words})`] : []),
      ]),
    );
  }
  return query;
}

/**
 * The words of a case that search finds, as the GIN index cases_text_search_idx holds them: the
 * 'simple' configuration (no stemming, so English, Kiswahili and Sheng alike), lower case.
 */
export const CASE_TEXT = "to_tsvector('simple', coalesce(c.title, '') || ' ' || c.description)";

/**
 * "passp nyayo" -> "passp:* & nyayo:*": every word, in any order, each as the start of a word in
 * the case. Only letters and digits are kept, so nothing typed can break the query; at most 8 words.
 */
export function searchQuery(text: string): string | null {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : null;
}

interface Cursor {
  /** Which part of the queue the page ended in: the due cases, or the newest-first rest. */
  phase: 'due' | 'new';
  at: Date;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.phase}|${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const [phase, at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const when = new Date(at ?? '');
  const year = when.getUTCFullYear();
  if (
    (phase !== 'due' && phase !== 'new') ||
    !id ||
    !isUuid(id) ||
    Number.isNaN(year) ||
    year < 2000 ||
    year > 9999 ||
    when.toISOString() !== at
  ) {
    throw invalidInput('cursor', 'this paging cursor is not one Baraza gave out');
  }
  return { phase, at: when, id };
}
