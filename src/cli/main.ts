import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { ReferenceCache } from '../core/agencies/reference-cache.ts';
import { AppError } from '../core/errors.ts';
import { loadReferenceData } from '../db/load-reference-data.ts';
import { migrate } from '../db/migrate.ts';
import { DatabaseInUseError, openDatabase } from '../db/open-database.ts';
import { STAFF_ROLES } from '../db/schema.ts';
import { sendAdminCommand } from './admin-socket.ts';
import { COMMANDS } from './commands.ts';
import { evaluateCommand, modelFrom, predictCommand, trainCommand } from './triage-commands.ts';
import { ussdCommand } from './ussd-command.ts';

/*
 * `npx baraza ...`: administration from the server's shell, on PostgreSQL or PGlite, with the
 * server running or not. With PGlite and a running server, the command runs inside the server
 * (cli/admin-socket.ts), since only one process may open the embedded database.
 */
async function run(command: string, options: Record<string, unknown>): Promise<void> {
  const config = loadConfig();
  const print = (line: string) => console.log(line);
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    process.exitCode = await sendAdminCommand(error.dataDir, command, options, print);
    return;
  }
  try {
    await migrate(handle.db);
    await loadReferenceData(handle.db);
    const reference = await ReferenceCache.load(handle.db);
    const exec = COMMANDS[command];
    if (!exec) throw new Error(`unknown command ${command}`);
    process.exitCode = await exec({ db: handle.db, reference, print }, options);
  } finally {
    await handle.close();
  }
}

const wholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('give a whole number, 0 or more');
  return n;
};
const role = (value: string) => {
  if (!(STAFF_ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${STAFF_ROLES.join(', ')}`);
  return value;
};
const passwordHelp = 'at least 12 characters; generated and shown once if left out';

const program = new Command('baraza').description('Baraza administration').showHelpAfterError();

program
  .command('migrate')
  .description('bring the database schema and reference data up to date')
  .action(() => run('migrate', {}));

program
  .command('create-sysadmin')
  .description('create a system administrator (they enrol two-factor at first sign-in)')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .option('--password <password>', passwordHelp)
  .action((options) => run('create-user', { ...options, role: 'sysadmin' }));

program
  .command('create-user')
  .description('create a staff account')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .requiredOption('--role <role>', STAFF_ROLES.join(' | '), role)
  .option('--agency <code>', 'agency code, e.g. KRA (every role but sysadmin)')
  .option('--password <password>', passwordHelp)
  .action((options) => run('create-user', options));

program
  .command('create-api-key')
  .description("create an API key for an agency's own systems; the key is shown once")
  .requiredOption('--agency <code>', 'agency code, e.g. KRA')
  .requiredOption('--name <name>', 'what the key is for, e.g. "KRA back office"')
  .action((options) => run('create-api-key', options));

program
  .command('seed')
  .description('load deterministic demo data: staff accounts and cases over the last 12 months')
  .option('--cases <n>', 'number of cases', wholeNumber, 2000)
  .option('--seed <n>', 'random seed; the same seed gives the same data', wholeNumber, 1)
  .action((options) => run('seed', options));

program
  .command('audit')
  .description('the tamper-evident event log')
  .command('verify')
  .description('recompute every hash in the event log; report OK or the first broken link (exit code 2)')
  .action(() => run('audit-verify', {}));

const triage = program
  .command('triage')
  .description('the triage classifier: predict, train and evaluate (docs/triage.md)');

triage
  .command('predict')
  .description('read {"id","text"} JSON lines on standard input; write one JSON line of triage per line')
  .option('--model <path>', 'a model file from `triage train`; the shipped model by default')
  .action(async (options: { model?: string }) => {
    process.exitCode = await predictCommand(modelFrom(options.model), {
      input: process.stdin,
      output: process.stdout,
      errors: process.stderr,
    });
  });

triage
  .command('train')
  .description('train a model from a CSV or JSON lines file with "text" and "label" columns')
  .requiredOption('--input <file>', 'CSV (with a header row) or JSON lines')
  .requiredOption('--out <path>', 'where to write the model')
  .action((options: { input: string; out: string }) => {
    process.exitCode = trainCommand(options.input, options.out, (line) => console.log(line));
  });

triage
  .command('evaluate')
  .description('accuracy, macro-F1, per-class precision and recall, and the confusion matrix')
  .requiredOption('--input <file>', 'labelled CSV or JSON lines')
  .option('--model <path>', 'a model file; the shipped model by default')
  .option('--json', 'print the report as JSON')
  .action((options: { input: string; model?: string; json?: boolean }) => {
    process.exitCode = evaluateCommand(
      options.input,
      modelFrom(options.model),
      (line) => console.log(line),
      options,
    );
  });

triage
  .command('retrain')
  .description(
    'train a new model version on the corpus and every routing, transfer and referral; prints its evaluation',
  )
  .option('--activate', 'make it the active model when it is ready')
  .action((options: { activate?: boolean }) => run('triage-retrain', options));

triage
  .command('models')
  .description('list model versions (* marks the active one)')
  .action(() => run('triage-models', {}));

triage
  .command('activate')
  .description('make a model version the one that triages new cases')
  .argument('<version>')
  .action((version: string) => run('triage-activate', { version }));

const sla = program
  .command('sla')
  .description('service levels: deadlines, calendars and escalation (docs/sla.md)');

sla
  .command('check')
  .description(
    'find open cases without an owner or a deadline, and clocks that should have fired; repair what can be repaired',
  )
  .action(() => run('sla-check', {}));

sla
  .command('holidays')
  .description('list the public holidays each business calendar observes')
  .option('--year <year>', 'the year (this year by default)', wholeNumber)
  .action((options: { year?: number }) => run('sla-holidays', options));

program
  .command('ussd')
  .description(
    "dial Baraza's USSD menu over HTTP as Africa's Talking does, answering from the keyboard (demos, training)",
  )
  .requiredOption('--phone <number>', 'the caller, E.164, e.g. +254711000111')
  .option('--url <url>', 'where Baraza listens (default http://127.0.0.1:$PORT)')
  .option('--code <code>', 'the USSD code dialled (default BARAZA_USSD_CODE)')
  .option('--network <code>', 'MCC and MNC of the network', '63902')
  .action(async (options: { phone: string; url?: string; code?: string; network: string }) => {
    const config = loadConfig();
    process.exitCode = await ussdCommand(
      {
        baseUrl: options.url ?? `http://127.0.0.1:${config.port}`,
        phoneNumber: options.phone,
        serviceCode: options.code ?? config.portal.ussdCode,
        networkCode: options.network,
        token: config.ussd.callbackToken,
      },
      { input: process.stdin, output: process.stdout },
    );
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) console.error(error.message);
  else console.error('baraza:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
