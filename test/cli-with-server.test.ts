import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

/*
 * `npx baraza` while `npm start` runs on the embedded database: only one process may open PGlite,
 * so the CLI hands its command to the server. (On PostgreSQL both simply connect.)
 */
const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-server-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const env = {
  ...process.env,
  BARAZA_DATA_DIR: dataDir,
  DATABASE_URL: '',
  PORT: String(port),
  HOST: '127.0.0.1',
  BARAZA_DEMO_CASES: '30',
  LOG_LEVEL: 'warn',
};
let server: ChildProcess;

before(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A wait, not a timing assertion: a fresh embedded database on a busy 2-core CI machine (another
  // test file runs beside this one) can take well over a minute to initialise.
  for (let i = 0; i < 480; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}: ${stderr}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server did not become ready in 4 minutes: ${stderr}`);
});

after(async () => {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => run('npx', ['baraza', ...args], { env });

test('a staff account created from the CLI while the server runs can sign in at once', async () => {
  const created = await cli(
    'create-user',
    '--email',
    'amina.odhiambo@kra.go.ke',
    '--name',
    'Amina Odhiambo',
    '--role',
    'officer',
    '--agency',
    'KRA',
    '--password',
    'a long enough passphrase',
  );
  assert.match(created.stdout, /created officer amina.odhiambo@kra.go.ke at KRA/);
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'amina.odhiambo@kra.go.ke', password: 'a long enough passphrase' }),
  });
  assert.equal(login.status, 200);
});

test('the CLI verifies the audit log of the running server, demo data included', async () => {
  const verified = await cli('audit', 'verify');
  assert.match(verified.stdout, /^OK: \d+ events in \d+ streams verified/m);
});

test('a CLI error from inside the server is reported with a non-zero exit', async () => {
  const failed = await cli('create-api-key', '--agency', 'NOPE', '--name', 'x').then(
    () => assert.fail('should fail'),
    (error: { code: number; stdout: string }) => error,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /no agency with code "NOPE"/);
});
