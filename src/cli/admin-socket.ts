import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { AppError } from '../core/errors.ts';
import { adminSocketPath } from '../db/open-database.ts';
import { COMMANDS, type CommandContext } from './commands.ts';

/*
 * While the server owns the embedded database, `npx baraza` cannot open it, so it sends its command
 * here instead and the server runs it. One JSON line in ({ command, options }); JSON lines out:
 * { line } for each line of output, then { exitCode }. The socket lives in the data directory,
 * which only the account running Baraza can enter.
 */
export async function serveAdminCommands(
  dataDir: string,
  context: Omit<CommandContext, 'print'>,
): Promise<{ close(): Promise<void> }> {
  const socketPath = adminSocketPath(dataDir);
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => {
    const lines = readline.createInterface({ input: socket });
    lines.once('line', async (request) => {
      const send = (message: object) => socket.write(`${JSON.stringify(message)}\n`);
      try {
        const { command, options } = JSON.parse(request) as {
          command: string;
          options: Record<string, unknown>;
        };
        const run = COMMANDS[command];
        if (!run) throw new AppError('not_found', `unknown command ${command}`);
        const exitCode = await run({ ...context, print: (line) => send({ line }) }, options ?? {});
        send({ exitCode });
      } catch (error) {
        send({
          line: error instanceof AppError ? error.message : 'the command failed; see the server log',
          exitCode: 1,
        });
      }
      socket.end();
    });
  });
  await new Promise<void>((resolve, reject) => server.listen(socketPath, resolve).once('error', reject));
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

/** Runs a command in the server that owns the database; resolves to its exit code. */
export function sendAdminCommand(
  dataDir: string,
  command: string,
  options: Record<string, unknown>,
  print: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(adminSocketPath(dataDir));
    let exitCode: number | undefined;
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${JSON.stringify({ command, options })}\n`));
    readline.createInterface({ input: socket }).on('line', (raw) => {
      const message = JSON.parse(raw) as { line?: string; exitCode?: number };
      if (message.line !== undefined) print(message.line);
      if (message.exitCode !== undefined) exitCode = message.exitCode;
    });
    socket.once('close', () =>
      exitCode === undefined
        ? reject(new Error('the server closed the connection early'))
        : resolve(exitCode),
    );
  });
}
