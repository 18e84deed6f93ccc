import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A small Africa's Talking on loopback, speaking its bulk SMS API as the protocol notes give it
 * (specs/africastalking): POST /version1/messaging, form fields username/to/message/from, the API
 * key in the apiKey header. It answers as AT does: 201 with SMSMessageData.Recipients, a recipient
 * refused with its status and statusCode, 401 for a wrong key. Some numbers stand for what a real
 * gateway may do, so tests can choose it.
 */

export const AT_USERNAME = 'sandbox';
export const AT_API_KEY = `atsk_${randomBytes(24).toString('hex')}`;
/** The one sender id the account owns. */
export const AT_SENDER_ID = '20202';

/** Numbers the fake treats specially. */
export const AT_NUMBERS = {
  /** Refused as AT refuses a number it cannot send to: InvalidPhoneNumber, statusCode 403. */
  invalid: '+254700000403',
  /** Refused for want of credit: InsufficientBalance, statusCode 405. */
  broke: '+254700000405',
  /** Never answered: the request hangs until the client gives up. */
  silent: '+254700000999',
  /** Answered 500 with an HTML page, as a proxy in front of a gateway might. */
  broken: '+254700000500',
  /** Queued (statusCode 102) rather than sent. */
  queued: '+254700000102',
} as const;

export interface AtRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  fields: Record<string, string>;
}

export interface AtSmsServer {
  url: string;
  requests: AtRequest[];
  close(): Promise<void>;
}

export async function startAtSmsServer(): Promise<AtSmsServer> {
  const requests: AtRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const fields = Object.fromEntries(new URLSearchParams(body));
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        fields,
      });
      answer(request, response, fields, hanging);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(
  request: IncomingMessage,
  response: ServerResponse,
  fields: Record<string, string>,
  hanging: Set<ServerResponse>,
): void {
  if (request.method !== 'POST' || request.url !== '/version1/messaging') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  if (request.headers.apikey !== AT_API_KEY || fields.username !== AT_USERNAME) {
    response.writeHead(401, { 'content-type': 'text/plain' }).end('The supplied authentication is invalid');
    return;
  }
  if (!/application\/x-www-form-urlencoded/.test(request.headers['content-type'] ?? '')) {
    response.writeHead(415, { 'content-type': 'text/plain' }).end('Unsupported Media Type');
    return;
  }
  const to = fields.to ?? '';
  if (!to || fields.message === undefined) {
    json(response, 400, { SMSMessageData: { Message: 'InvalidRequest', Recipients: [] } });
    return;
  }
  // A sender id the account does not own refuses the whole request, with nobody in Recipients.
  if (fields.from !== undefined && fields.from !== AT_SENDER_ID) {
    json(response, 201, { SMSMessageData: { Message: 'InvalidSenderId', Recipients: [] } });
    return;
  }
  switch (to) {
    case AT_NUMBERS.silent:
      hanging.add(response);
      return;
    case AT_NUMBERS.broken:
      response
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body>Internal Server Error</body></html>');
      return;
    case AT_NUMBERS.invalid:
      recipient(response, {
        statusCode: 403,
        number: to,
        status: 'InvalidPhoneNumber',
        cost: '0',
        messageId: 'None',
      });
      return;
    case AT_NUMBERS.broke:
      recipient(response, {
        statusCode: 405,
        number: to,
        status: 'InsufficientBalance',
        cost: '0',
        messageId: 'None',
      });
      return;
    case AT_NUMBERS.queued:
      recipient(response, {
        statusCode: 102,
        number: to,
        status: 'Queued',
        cost: 'KES 0.8000',
        messageId: messageId(),
      });
      return;
    default:
      recipient(response, {
        statusCode: 101,
        number: to,
        status: 'Success',
        cost: 'KES 0.8000',
        messageId: messageId(),
      });
      return;
  }
}

function recipient(response: ServerResponse, entry: Record<string, string | number>): void {
  const sent = entry.statusCode === 101 || entry.statusCode === 102 ? 1 : 0;
  json(response, 201, {
    SMSMessageData: {
      Message: sent ? `Sent to ${sent}/1 Total Cost: ${entry.cost}` : `Sent to 0/1 Total Cost: 0`,
      Recipients: [entry],
    },
  });
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const messageId = () => `ATXid_${randomBytes(16).toString('hex')}`;
