import type { Db } from '../../db/open-database.ts';
import { CASE_TYPES, CHANNELS, PRIORITIES } from '../../db/schema.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { AppError, type FieldProblem, notFound } from '../errors.ts';
import { type Actor, appendEvents } from '../events/append-events.ts';
import { compileKeyword, type RuleActions, type RuleConditions, type TriageRule } from './match-rules.ts';
import { bumpTriageConfig, THRESHOLD_KEY } from './triage-service.ts';

/*
 * Administrators' changes to triage: rules (create, edit, reorder, disable, delete) and the
 * clearing-house threshold. Each change is recorded in the system audit stream and makes every
 * process reload its rules.
 */

export interface StoredRule extends TriageRule {
  position: number;
  updatedAt: Date;
}

export interface RuleDraft {
  name: string;
  enabled?: boolean | undefined;
  position?: number | undefined;
  conditions: RuleConditions;
  actions: RuleActions;
}

interface Deps {
  db: Db;
  reference: ReferenceCache;
  now: () => Date;
}

export async function listRules(db: Db): Promise<StoredRule[]> {
  const rows = await db.selectFrom('triageRules').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    position: row.position,
    conditions: row.conditions as RuleConditions,
    actions: row.actions as RuleActions,
    updatedAt: row.updatedAt,
  }));
}

/** Creates the rule with `id`, or replaces it. A rule without a position goes last. */
export async function saveRule(deps: Deps, actor: Actor, id: string, draft: RuleDraft): Promise<StoredRule> {
  assertValidRule(deps.reference, draft);
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('triageRules')
      .select('position')
      .where('id', '=', id)
      .executeTakeFirst();
    let position = draft.position ?? existing?.position;
    if (position === undefined) {
      const last = await trx
        .selectFrom('triageRules')
        .select((eb) => eb.fn.max('position').as('max'))
        .executeTakeFirst();
      position = Number(last?.max ?? 0) + 10;
    }
    const values = {
      position,
      name: draft.name.trim(),
      enabled: draft.enabled ?? true,
      conditions: JSON.stringify(draft.conditions),
      actions: JSON.stringify(draft.actions),
      updatedAt: now,
      updatedBy: actor.type === 'staff' ? actor.id : null,
    };
    await trx
      .insertInto('triageRules')
      .values({ id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [
        {
          kind: existing ? 'triage.rule_changed' : 'triage.rule_created',
          public: false,
          data: { id, ...draft, position },
        },
      ],
      now,
    );
    await bumpTriageConfig(trx);
    return {
      id,
      name: values.name,
      enabled: values.enabled,
      position,
      conditions: draft.conditions,
      actions: draft.actions,
      updatedAt: now,
    };
  });
}

export async function deleteRule(deps: Deps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('triageRules')
      .where('id', '=', id)
      .returning('name')
      .executeTakeFirst();
    if (!deleted) throw notFound('The rule');
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'triage.rule_deleted', public: false, data: { id, name: deleted.name } }],
      deps.now(),
    );
    await bumpTriageConfig(trx);
  });
}

/** Puts the rules in the order given: every rule's id, first to last. */
export async function reorderRules(deps: Deps, actor: Actor, ids: string[]): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('triageRules').select('id').forUpdate().execute();
    const known = new Set(current.map((r) => r.id));
    const given = new Set(ids);
    if (given.size !== ids.length || given.size !== known.size || ids.some((id) => !known.has(id))) {
      throw new AppError('invalid_input', 'give every rule id exactly once, in the new order', [
        { field: 'ids', problem: `expected the ${known.size} rule ids: ${[...known].sort().join(', ')}` },
      ]);
    }
    for (const [i, id] of ids.entries()) {
      await trx
        .updateTable('triageRules')
        .set({ position: (i + 1) * 10 })
        .where('id', '=', id)
        .execute();
    }
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'triage.rules_reordered', public: false, data: { ids } }],
      deps.now(),
    );
    await bumpTriageConfig(trx);
  });
}

export async function setClearingThreshold(deps: Deps, actor: Actor, threshold: number): Promise<void> {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new AppError('invalid_input', 'threshold: give a number from 0 to 1', [
      { field: 'threshold', problem: 'give a number from 0 to 1' },
    ]);
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: THRESHOLD_KEY, value: String(threshold) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(threshold) }))
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'triage.threshold_changed', public: false, data: { threshold } }],
      deps.now(),
    );
    await bumpTriageConfig(trx);
  });
}

/** Every problem with a rule at once, so the administrator fixes them in one go. */
function assertValidRule(reference: ReferenceCache, draft: RuleDraft): void {
  const problems: FieldProblem[] = [];
  const { conditions, actions } = draft;
  if (!draft.name.trim()) problems.push({ field: 'name', problem: 'give the rule a name' });
  for (const keyword of conditions.keywords ?? []) {
    if (compileKeyword(keyword).length === 0) {
      problems.push({
        field: 'conditions.keywords',
        problem: `"${keyword}" has no letters or digits to match`,
      });
    }
  }
  for (const service of conditions.services ?? []) {
    const [code, serviceCode] = service.split('/');
    const agency = code ? reference.agency(code) : undefined;
    if (!agency || !serviceCode || !reference.service(agency.id, serviceCode)) {
      problems.push({
        field: 'conditions.services',
        problem: `"${service}" is not a service; write AGENCY/service, e.g. KRA/paye`,
      });
    }
  }
  for (const county of conditions.counties ?? []) {
    if (!reference.county(county))
      problems.push({ field: 'conditions.counties', problem: `"${county}" is not a county` });
  }
  for (const channel of conditions.channels ?? []) {
    if (!(CHANNELS as readonly string[]).includes(channel)) {
      problems.push({
        field: 'conditions.channels',
        problem: `"${channel}" is not one of ${CHANNELS.join(', ')}`,
      });
    }
  }
  for (const type of [...(conditions.types ?? []), ...(actions.type ? [actions.type] : [])]) {
    if (!(CASE_TYPES as readonly string[]).includes(type)) {
      problems.push({ field: 'type', problem: `"${type}" is not one of ${CASE_TYPES.join(', ')}` });
    }
  }
  const hasCondition = [
    conditions.keywords,
    conditions.services,
    conditions.counties,
    conditions.channels,
    conditions.types,
  ].some((c) => c?.length);
  if (!hasCondition) problems.push({ field: 'conditions', problem: 'a rule needs at least one condition' });
  if (actions.agency && !reference.agency(actions.agency)) {
    problems.push({ field: 'actions.agency', problem: `there is no agency with code "${actions.agency}"` });
  }
  if (actions.priority && !(PRIORITIES as readonly string[]).includes(actions.priority)) {
    problems.push({
      field: 'actions.priority',
      problem: `"${actions.priority}" is not one of ${PRIORITIES.join(', ')}`,
    });
  }
  if (actions.sealed === true && actions.type && actions.type !== 'corruption_report') {
    problems.push({ field: 'actions.type', problem: 'sealed handling is for corruption reports' });
  }
  if (Object.values(actions).every((v) => v === undefined)) {
    problems.push({ field: 'actions', problem: 'a rule needs at least one action' });
  }
  if (problems.length > 0) {
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }
}
