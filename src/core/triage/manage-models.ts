import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../../db/open-database.ts';
import type { TriageModelStatus } from '../../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { type Actor, appendEvents } from '../events/append-events.ts';
import { listRules } from './manage-rules.ts';
import type { Evaluation } from './predict-lines.ts';
import type { LabelledExample } from './read-examples.ts';
import { loadCorpus } from './shipped-model.ts';
import type { TrainJob } from './train-worker.ts';
import { bumpTriageConfig, type TriageService } from './triage-service.ts';

/*
 * Model versions: retraining (a background job on a worker thread), the evaluation report of
 * each version, and the administrator's choice of the active one.
 */

/** An officer's routing decision counts for this many corpus lines: it is Baraza's own data. */
const OFFICER_EXAMPLE_WEIGHT = 2;

export interface ModelSummary {
  version: string;
  source: 'shipped' | 'retrained';
  status: TriageModelStatus;
  active: boolean;
  examples: number | null;
  createdAt: Date;
  activatedAt: Date | null;
  error: string | null;
  evaluation: Evaluation | null;
}

export async function listModels(db: Db): Promise<ModelSummary[]> {
  const rows = await db
    .selectFrom('triageModels')
    .select([
      'version',
      'source',
      'status',
      'active',
      'examples',
      'createdAt',
      'activatedAt',
      'error',
      'evaluation',
    ])
    .orderBy('createdAt', 'desc')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((row) => ({ ...row, evaluation: row.evaluation as Evaluation | null }));
}

export async function getModel(db: Db, version: string): Promise<ModelSummary> {
  const model = (await listModels(db)).find((m) => m.version === version);
  if (!model) throw notFound(`Model ${version}`);
  return model;
}

interface RetrainDeps {
  db: Db;
  now: () => Date;
  triage: Pick<TriageService, 'clearingThreshold'>;
}

/**
 * Starts retraining on the corpus plus every officer's routing, transfer and referral, and returns
 * at once with the new version (status 'training'). `finished` settles when the version is
 * 'ready' (with its evaluation on the held-out dev split) or 'failed' (with the error).
 * The new version is not made active: an administrator compares and chooses.
 */
export async function startRetraining(
  deps: RetrainDeps,
  actor: Actor,
): Promise<{ version: string; finished: Promise<ModelSummary> }> {
  const now = deps.now();
  const version = `retrained-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}`;
  const [corpus, officers, rules] = await Promise.all([
    Promise.resolve(loadCorpus('train')),
    deps.db
      .selectFrom('triageExamples')
      .select(['text', 'agencyCode'])
      .orderBy('createdAt')
      .orderBy('id')
      .execute(),
    listRules(deps.db),
  ]);
  const examples: LabelledExample[] = [
    ...corpus,
    ...officers.map((e, i) => ({ line: corpus.length + i + 1, text: e.text, agency: e.agencyCode })),
  ];
  const weights = examples.map((_, i) => (i < corpus.length ? 1 : OFFICER_EXAMPLE_WEIGHT));
  await deps.db.transaction().execute(async (trx) => {
    const running = await trx
      .selectFrom('triageModels')
      .select('version')
      .where('status', '=', 'training')
      .executeTakeFirst();
    if (running) throw new AppError('conflict', `Model ${running.version} is still training; wait for it`);
    await trx
      .insertInto('triageModels')
      .values({
        version,
        source: 'retrained',
        status: 'training',
        examples: examples.length,
        model: null,
        evaluation: null,
        error: null,
        createdBy: staffId(actor),
      })
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [
        {
          kind: 'triage.retraining_started',
          public: false,
          data: { version, examples: examples.length, officerExamples: officers.length },
        },
      ],
      now,
    );
  });
  const job: Omit<TrainJob, 'entry'> = {
    examples,
    weights,
    version,
    now: now.toISOString(),
    rules,
    clearingThreshold: deps.triage.clearingThreshold,
  };
  const finished = trainInWorker(job).then(
    async (result) => {
      await deps.db
        .updateTable('triageModels')
        .set({ status: 'ready', model: result.bytes, evaluation: JSON.stringify(result.evaluation) })
        .where('version', '=', version)
        .execute();
      return getModel(deps.db, version);
    },
    async (error: unknown) => {
      await deps.db
        .updateTable('triageModels')
        .set({ status: 'failed', error: error instanceof Error ? error.message : String(error) })
        .where('version', '=', version)
        .execute();
      return getModel(deps.db, version);
    },
  );
  return { version, finished };
}

export async function activateModel(
  deps: { db: Db; now: () => Date },
  actor: Actor,
  version: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const model = await trx
      .selectFrom('triageModels')
      .select(['status', 'active'])
      .where('version', '=', version)
      .forUpdate()
      .executeTakeFirst();
    if (!model) throw notFound(`Model ${version}`);
    if (model.status !== 'ready')
      throw new AppError('conflict', `Model ${version} is ${model.status}, not ready`);
    if (model.active) return;
    await trx.updateTable('triageModels').set({ active: false }).where('active', '=', true).execute();
    await trx
      .updateTable('triageModels')
      .set({ active: true, activatedAt: deps.now(), activatedBy: staffId(actor) })
      .where('version', '=', version)
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'triage.model_activated', public: false, data: { version } }],
      deps.now(),
    );
    await bumpTriageConfig(trx);
  });
}

function trainInWorker(job: Omit<TrainJob, 'entry'>): Promise<{ bytes: Uint8Array; evaluation: Evaluation }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(import.meta.dirname, 'worker-bootstrap.mjs'), {
      workerData: { ...job, entry: pathToFileURL(path.join(import.meta.dirname, 'train-worker.ts')).href },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the training worker stopped with code ${code}`));
    });
  });
}

const staffId = (actor: Actor) => (actor.type === 'staff' ? actor.id : null);
