import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/open-database.ts';
import { bumpVersion, readSetting } from '../../db/queries/settings.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import {
  DEFAULT_CLEARING_THRESHOLD,
  decideTriage,
  type TriageDecision,
  type TriageInput,
} from './decide-triage.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { RuleSet, type TriageRule } from './match-rules.ts';
import { decodeModel, type Model } from './model-file.ts';
import { SHIPPED_MODEL_PATH, TRIAGE_DIR } from './shipped-model.ts';

/*
 * What triage needs at run time, held in memory: the active model, the enabled rules in order
 * and the clearing-house threshold. Loaded at start and reloaded whenever an administrator
 * changes one of them (and, with several processes, when `triage_config_version` moves).
 */

export const THRESHOLD_KEY = 'triage_clearing_threshold';
const RULES_SEEDED_KEY = 'triage_rules_seeded';
const CONFIG_VERSION_KEY = 'triage_config_version';

export class TriageService {
  private constructor(
    private model: Model,
    private rules: RuleSet,
    private threshold: number,
    private configVersion: string,
    private readonly reference: ReferenceCache,
  ) {}

  static async load(db: Db, reference: ReferenceCache): Promise<TriageService> {
    const loaded = await loadTriageConfig(db);
    return new TriageService(loaded.model, loaded.rules, loaded.threshold, loaded.configVersion, reference);
  }

  get modelVersion(): string {
    return this.model.info.version;
  }

  get clearingThreshold(): number {
    return this.threshold;
  }

  get activeModel(): Model {
    return this.model;
  }

  decide(input: TriageInput): TriageDecision {
    return decideTriage(
      {
        model: this.model,
        rules: this.rules,
        clearingThreshold: this.threshold,
        isOnboarded: (code) => this.reference.agency(code)?.onboarded === true,
      },
      input,
    );
  }

  /** Picks up changes made by this or another process. */
  async reload(db: Db, options: { ifChanged?: boolean } = {}): Promise<void> {
    if (options.ifChanged && (await readSetting(db, CONFIG_VERSION_KEY)) === this.configVersion) return;
    const loaded = await loadTriageConfig(db);
    this.model = loaded.model;
    this.rules = loaded.rules;
    this.threshold = loaded.threshold;
    this.configVersion = loaded.configVersion;
  }
}

/** Records that rules, threshold or the active model changed, so every process reloads. */
export async function bumpTriageConfig(db: Db): Promise<void> {
  await bumpVersion(db, CONFIG_VERSION_KEY);
}

/**
 * On first start: the shipped model as a version (active when none is), and the default rules.
 * Later starts add a newer shipped model as a version without activating it over an
 * administrator's choice; deleting every rule does not bring the defaults back.
 */
export async function installShippedTriage(db: Db): Promise<void> {
  const bytes = readFileSync(SHIPPED_MODEL_PATH);
  const model = decodeModel(bytes, SHIPPED_MODEL_PATH);
  const evaluation = shippedEvaluation(model.info.version);
  await db.transaction().execute(async (trx) => {
    const active = await trx
      .selectFrom('triageModels')
      .select('version')
      .where('active', '=', true)
      .executeTakeFirst();
    await trx
      .insertInto('triageModels')
      .values({
        version: model.info.version,
        source: 'shipped',
        status: 'ready',
        active: !active,
        examples: model.info.examples,
        model: bytes,
        evaluation: evaluation ?? null,
        error: null,
        activatedAt: active ? null : new Date(),
      })
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
    const seeded = await trx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', RULES_SEEDED_KEY)
      .executeTakeFirst();
    if (!seeded) {
      await trx
        .insertInto('triageRules')
        .values(
          DEFAULT_RULES.map((rule, i) => ({
            id: rule.id,
            position: (i + 1) * 10,
            name: rule.name,
            enabled: rule.enabled,
            conditions: JSON.stringify(rule.conditions),
            actions: JSON.stringify(rule.actions),
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await trx.insertInto('settings').values({ key: RULES_SEEDED_KEY, value: 'true' }).execute();
    }
  });
}

/** The shipped model's report on the dev split, written by `npm run triage:build`. */
function shippedEvaluation(version: string): string | undefined {
  try {
    const report = JSON.parse(readFileSync(path.join(TRIAGE_DIR, 'dev-evaluation.json'), 'utf8')) as {
      model?: string;
    };
    return report.model === version ? JSON.stringify(report) : undefined;
  } catch {
    return undefined;
  }
}

async function loadTriageConfig(db: Db) {
  const [modelRow, ruleRows, threshold, configVersion] = await Promise.all([
    db.selectFrom('triageModels').select(['version', 'model']).where('active', '=', true).executeTakeFirst(),
    db.selectFrom('triageRules').selectAll().orderBy('position').orderBy('id').execute(),
    readSetting(db, THRESHOLD_KEY),
    readSetting(db, CONFIG_VERSION_KEY),
  ]);
  if (!modelRow?.model)
    throw new Error('no active triage model: run migrations and installShippedTriage first');
  const model = decodeModel(modelRow.model, `triage model ${modelRow.version}`);
  // The version the administrator sees is the row's, whatever the file header says.
  model.info.version = modelRow.version;
  const rules: TriageRule[] = ruleRows.map((row) => ({
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    conditions: row.conditions as TriageRule['conditions'],
    actions: row.actions as TriageRule['actions'],
  }));
  return {
    model,
    rules: new RuleSet(rules),
    threshold: threshold === undefined ? DEFAULT_CLEARING_THRESHOLD : Number(threshold),
    configVersion: configVersion ?? '',
  };
}
