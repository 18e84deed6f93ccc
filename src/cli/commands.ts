import { randomBytes } from 'node:crypto';
import type { ReferenceCache } from '../core/agencies/reference-cache.ts';
import { seedDemo } from '../core/demo/seed-demo.ts';
import { SYSTEM_ACTOR } from '../core/events/append-events.ts';
import { verifyAudit } from '../core/events/verify-audit.ts';
import { backfillClocks } from '../core/sla/backfill-clocks.ts';
import { checkNothingFallsThrough } from '../core/sla/check-nothing-falls-through.ts';
import { installDefaultSla, SlaService } from '../core/sla/sla-service.ts';
import { createApiKey } from '../core/staff/api-keys.ts';
import { createStaffUser } from '../core/staff/create-staff-user.ts';
import { activateModel, listModels, startRetraining } from '../core/triage/manage-models.ts';
import { TriageService } from '../core/triage/triage-service.ts';
import type { Db } from '../db/open-database.ts';
import type { StaffRole } from '../db/schema.ts';

/** What a command needs; the same whether it runs in the CLI process or inside the server. */
export interface CommandContext {
  db: Db;
  reference: ReferenceCache;
  print(line: string): void;
}

type Options = Record<string, unknown>;

/** A password to show once when none was given: 20 random characters. */
const generatedPassword = () => randomBytes(15).toString('base64url');
const text = (options: Options, key: string) =>
  typeof options[key] === 'string' ? (options[key] as string) : undefined;
const number = (options: Options, key: string, fallback: number) =>
  typeof options[key] === 'number' ? (options[key] as number) : fallback;
const deps = (ctx: CommandContext) => ({ db: ctx.db, reference: ctx.reference, now: () => new Date() });

/** Each returns the process exit code: 0 for success. */
export const COMMANDS: Record<string, (ctx: CommandContext, options: Options) => Promise<number>> = {
  async migrate(ctx) {
    ctx.print('database schema and reference data are up to date');
    return 0;
  },

  async 'create-user'(ctx, options) {
    const password = text(options, 'password') ?? generatedPassword();
    const user = await createStaffUser(deps(ctx), SYSTEM_ACTOR, {
      email: text(options, 'email') ?? '',
      name: text(options, 'name') ?? '',
      role: text(options, 'role') as StaffRole,
      agencyCode: text(options, 'agency'),
      password,
    });
    ctx.print(`created ${user.role} ${user.email}${user.agencyCode ? ` at ${user.agencyCode}` : ''}`);
    if (!text(options, 'password')) ctx.print(`password (shown once): ${password}`);
    return 0;
  },

  async 'create-api-key'(ctx, options) {
    const key = await createApiKey(deps(ctx), SYSTEM_ACTOR, {
      agencyCode: text(options, 'agency') ?? '',
      name: text(options, 'name') ?? '',
    });
    ctx.print(`created API key ${key.prefix} for ${key.agencyCode}`);
    ctx.print(`key (shown once): ${key.key}`);
    return 0;
  },

  async seed(ctx, options) {
    const started = Date.now();
    const result = await seedDemo(ctx.db, {
      cases: number(options, 'cases', 2000),
      seed: number(options, 'seed', 1),
    });
    await installDefaultSla(ctx.db, ctx.reference);
    const clocked = await backfillClocks(ctx.db, await SlaService.load(ctx.db, ctx.reference));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    ctx.print(
      `seeded ${result.cases} cases (${clocked} open ones given SLA clocks), ${result.events} events and ${result.users} staff accounts in ${seconds} s`,
    );
    return 0;
  },

  async 'triage-retrain'(ctx, options) {
    const triage = await TriageService.load(ctx.db, ctx.reference);
    const { version, finished } = await startRetraining({ ...deps(ctx), triage }, SYSTEM_ACTOR);
    ctx.print(`training ${version} ...`);
    const model = await finished;
    if (model.status !== 'ready') {
      ctx.print(`FAILED: ${model.error}`);
      return 1;
    }
    const agency = model.evaluation?.heads.find((h) => h.head === 'agency');
    ctx.print(
      `ready: ${model.examples} examples; on the dev split agency accuracy ${agency?.accuracy.toFixed(3)}, macro-F1 ${agency?.macroF1.toFixed(3)}, urgent recall ${model.evaluation?.urgentRecall?.toFixed(3)}`,
    );
    if (options.activate === true) {
      await activateModel(deps(ctx), SYSTEM_ACTOR, version);
      ctx.print(`${version} is now active`);
    }
    return 0;
  },

  async 'triage-models'(ctx) {
    for (const m of await listModels(ctx.db)) {
      const agency = m.evaluation?.heads.find((h) => h.head === 'agency');
      const score = agency ? ` agency accuracy ${agency.accuracy.toFixed(3)}` : '';
      ctx.print(
        `${m.active ? '*' : ' '} ${m.version}  ${m.source}  ${m.status}  ${m.examples ?? '-'} examples${score}`,
      );
    }
    return 0;
  },

  async 'triage-activate'(ctx, options) {
    await activateModel(deps(ctx), SYSTEM_ACTOR, text(options, 'version') ?? '');
    ctx.print(`${text(options, 'version')} is now active`);
    return 0;
  },

  async 'sla-check'(ctx) {
    await installDefaultSla(ctx.db, ctx.reference);
    const sla = await SlaService.load(ctx.db, ctx.reference);
    const report = await checkNothingFallsThrough({ ...deps(ctx), sla }, new Date());
    ctx.print(`${report.openCases} open cases checked; ${report.findings.length} problems found`);
    for (const f of report.findings) {
      const what = f.clock ? `${f.problem} (${f.clock})` : f.problem;
      ctx.print(`  ${f.reference}  ${what}  ${f.repaired ? 'repaired' : `NOT repaired: ${f.detail}`}`);
    }
    return report.unrepaired > 0 ? 2 : 0;
  },

  async 'sla-holidays'(ctx, options) {
    await installDefaultSla(ctx.db, ctx.reference);
    const sla = await SlaService.load(ctx.db, ctx.reference);
    const year = number(options, 'year', new Date().getUTCFullYear());
    for (const id of sla.calendarIds) {
      const holidays = sla.calendar(id).holidays(year);
      ctx.print(
        `${id}: ${holidays.length === 0 ? 'no public holidays' : `${holidays.length} public holidays in ${year}`}`,
      );
      for (const h of holidays) ctx.print(`  ${h.date}  ${h.name}`);
    }
    return 0;
  },

  async 'audit-verify'(ctx) {
    const result = await verifyAudit(ctx.db);
    if (result.ok) {
      ctx.print(`OK: ${result.events} events in ${result.streams} streams verified`);
      return 0;
    }
    ctx.print(
      `BROKEN: stream ${result.streamId} at event ${result.seq}: ${result.problem} (${result.events} events verified before it)`,
    );
    return 2;
  },
};
