import { randomBytes } from 'node:crypto';

/*
 * A stand-in for Africa's Talking's gateway, for demos, staff training and tests: it posts to
 * Baraza's USSD callback over HTTP exactly as the gateway does (form fields, a new session id per
 * dial, `text` holding every input so far joined with "*"), reads the CON/END answer, and sends
 * the end-of-session notification when the session ends. `npx baraza ussd` drives it from a
 * keyboard; a console page can drive it from a form.
 */

export const CALLBACK_PATH = '/channels/ussd/africastalking';
export const EVENTS_PATH = '/channels/ussd/africastalking/events';

export interface GatewayOptions {
  /** Where Baraza listens, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The caller, E.164: +254711000111. */
  phoneNumber: string;
  /** The code dialled. */
  serviceCode: string;
  /** MCC and MNC; 63902 is Safaricom Kenya. */
  networkCode?: string | undefined;
  /** The callback token, when the server requires one (BARAZA_USSD_TOKEN). */
  token?: string | undefined;
}

export interface GatewayReply {
  /** The session is over: END, or an answer the gateway could not use. */
  end: boolean;
  /** The screen, without CON/END. */
  text: string;
  /** The HTTP status and body as received. */
  status: number;
  body: string;
}

/** Posts one hop of a session: the inputs so far, as the gateway sends them. */
export async function postHop(
  options: GatewayOptions,
  sessionId: string,
  inputs: readonly string[],
): Promise<GatewayReply> {
  const response = await post(options, CALLBACK_PATH, {
    sessionId,
    serviceCode: options.serviceCode,
    phoneNumber: options.phoneNumber,
    networkCode: options.networkCode ?? '63902',
    text: inputs.join('*'),
  });
  const body = await response.text();
  const match = /^(CON|END) ([\s\S]*)$/.exec(body);
  // The gateway ends a session on any other answer (an HTTP error, a body without CON or END).
  if (response.status !== 200 || !match) return { end: true, text: body, status: response.status, body };
  return { end: match[1] === 'END', text: match[2] ?? '', status: response.status, body };
}

/** One dialled session, hop by hop. */
export class SimulatedSession {
  readonly sessionId = `ATUid_${randomBytes(16).toString('hex')}`;
  readonly inputs: string[] = [];
  last: GatewayReply | undefined;
  private readonly startedAt = Date.now();
  private notified = false;

  constructor(private readonly options: GatewayOptions) {}

  get ended(): boolean {
    return this.notified || this.last?.end === true;
  }

  /** The first hop: `text` is empty. */
  dial(): Promise<GatewayReply> {
    return this.hop();
  }

  /** The caller types `input` and presses send. */
  async answer(input: string): Promise<GatewayReply> {
    if (this.ended) throw new Error('the session has ended: dial again');
    this.inputs.push(input);
    return this.hop();
  }

  /** The caller hangs up (or the network drops them) before the session ended. */
  async hangUp(): Promise<void> {
    if (!this.ended) await this.notifyEnd('Incomplete');
  }

  private async hop(): Promise<GatewayReply> {
    this.last = await postHop(this.options, this.sessionId, this.inputs);
    if (this.last.end) await this.notifyEnd(this.last.status === 200 ? 'Success' : 'Failed');
    return this.last;
  }

  private async notifyEnd(status: 'Success' | 'Incomplete' | 'Failed'): Promise<void> {
    this.notified = true;
    const last = this.last;
    await post(this.options, EVENTS_PATH, {
      date: new Date().toISOString().replace('T', ' ').slice(0, 19),
      sessionId: this.sessionId,
      serviceCode: this.options.serviceCode,
      networkCode: this.options.networkCode ?? '63902',
      phoneNumber: this.options.phoneNumber,
      status,
      cost: '0.0',
      durationInMillis: String(Date.now() - this.startedAt),
      hopsCount: String(this.inputs.length + 1),
      input: this.inputs.join('*'),
      lastAppResponse: last?.body ?? '',
      errorMessage: status === 'Failed' ? `HTTP ${last?.status}` : '',
    }).then((response) => response.body?.cancel());
  }
}

function post(options: GatewayOptions, path: string, fields: Record<string, string>): Promise<Response> {
  const url = new URL(path, options.baseUrl);
  if (options.token) url.searchParams.set('token', options.token);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
