import { randomBytes } from 'node:crypto';
import type { TestContext } from './context.ts';

/** The fixtures' caller (specs/africastalking/at_callback_fixtures.json). */
export const PHONE = '+254711000111';
export const CALLBACK = '/channels/ussd/africastalking';
export const EVENTS = '/channels/ussd/africastalking/events';

export interface Screen {
  status: number;
  contentType: string;
  body: string;
  /** CON or END; undefined when the body starts with neither. */
  kind: 'CON' | 'END' | undefined;
  /** The screen without its CON/END prefix. */
  text: string;
}

export const newSessionId = () => `ATUid_${randomBytes(16).toString('hex')}`;

/** Posts form fields to the callback as the gateway does. */
export async function postForm(
  ctx: TestContext,
  fields: Record<string, string>,
  options: { url?: string; headers?: Record<string, string> } = {},
): Promise<Screen> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: options.url ?? CALLBACK,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    payload: new URLSearchParams(fields).toString(),
  });
  const match = /^(CON|END) ([\s\S]*)$/.exec(response.body);
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    body: response.body,
    kind: match?.[1] as Screen['kind'],
    text: match?.[2] ?? response.body,
  };
}

/** One hop of a session: every input so far, joined with "*". */
export function hop(ctx: TestContext, sessionId: string, phone: string, inputs: readonly string[]) {
  return postForm(ctx, {
    sessionId,
    serviceCode: '*384*2020#',
    phoneNumber: phone,
    networkCode: '63902',
    text: inputs.join('*'),
  });
}

/** A caller on a phone: dials (a new session), then presses answers one hop at a time. */
export class Caller {
  sessionId = newSessionId();
  inputs: string[] = [];
  screens: Screen[] = [];

  constructor(
    private readonly ctx: TestContext,
    readonly phone: string,
  ) {}

  async dial(): Promise<Screen> {
    this.sessionId = newSessionId();
    this.inputs = [];
    return this.send();
  }

  async press(...inputs: string[]): Promise<Screen> {
    let screen: Screen | undefined;
    for (const input of inputs) {
      this.inputs.push(input);
      screen = await this.send();
    }
    if (!screen) throw new Error('press() needs at least one input');
    return screen;
  }

  /** The gateway sends the last hop again (it did not get our answer in time). */
  retry(): Promise<Screen> {
    return this.send();
  }

  private async send(): Promise<Screen> {
    const screen = await hop(this.ctx, this.sessionId, this.phone, this.inputs);
    this.screens.push(screen);
    return screen;
  }
}

/** A Kenyan mobile number no other test uses. */
export function freshPhone(): string {
  return `+25471${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
}
