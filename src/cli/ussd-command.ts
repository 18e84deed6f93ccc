import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type GatewayOptions, type GatewayReply, SimulatedSession } from '../channels/ussd/simulate.ts';

/** Words the keyboard simulator takes for itself; a caller never types a "/" on a phone keypad. */
const COMMANDS = { quit: '/quit', hangUp: '/hangup' } as const;

/**
 * `npx baraza ussd`: a phone on the keyboard. Each line typed is one USSD answer, sent to the
 * running server as Africa's Talking would send it; /hangup drops the call mid-session (dial again
 * within five minutes to be offered to continue), an empty line after a session ended dials again,
 * /quit or Ctrl-D leaves. Returns the exit code.
 */
export async function ussdCommand(
  options: GatewayOptions,
  io: { input: Readable; output: Writable },
): Promise<number> {
  const print = (line = '') => io.output.write(`${line}\n`);
  print(`Dialling ${options.serviceCode} as ${options.phoneNumber} on ${options.baseUrl}`);
  print(`Type an answer and press Enter. ${COMMANDS.hangUp} drops the call, ${COMMANDS.quit} leaves.`);
  let session = new SimulatedSession(options);
  try {
    show(print, await session.dial());
    const lines = readline.createInterface({ input: io.input, terminal: false });
    for await (const line of lines) {
      const typed = line.trim();
      if (typed === COMMANDS.quit) break;
      if (session.ended) {
        if (typed !== '') {
          print(`The session has ended: press Enter to dial again, or ${COMMANDS.quit}.`);
          continue;
        }
        session = new SimulatedSession(options);
        show(print, await session.dial());
      } else if (typed === COMMANDS.hangUp) {
        await session.hangUp();
        print('(call dropped) Press Enter to dial again.');
      } else {
        show(print, await session.answer(line));
      }
    }
    await session.hangUp();
    return 0;
  } catch (error) {
    print(`Could not reach Baraza at ${options.baseUrl}: ${(error as Error).message}`);
    return 1;
  }
}

function show(print: (line?: string) => void, reply: GatewayReply): void {
  const kind = reply.status !== 200 ? `HTTP ${reply.status}` : reply.end ? 'END' : 'CON';
  print();
  print(`-- ${kind}, ${reply.text.length} characters --`);
  print(reply.text);
  print(reply.end ? '-- session ended: press Enter to dial again --' : '');
}
