import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps what it receives: the far end of our e-mail. */
export interface SmtpInbox {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message followed by its MIME parts decoded (quoted-printable and base64), for searching. */
  text: string;
}

export async function startSmtpInbox(): Promise<SmtpInbox> {
  const received: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          text: decodeMime(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    const server = smtp.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

function decodeMime(raw: string): string {
  const decoded: string[] = [raw];
  const parts = [raw, ...raw.split(/\r?\n--[^\r\n]+\r?\n/)];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split).toLowerCase();
    const body = part.slice(split).trim();
    if (headers.includes('content-transfer-encoding: quoted-printable')) {
      const bytes = body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      decoded.push(Buffer.from(bytes, 'latin1').toString('utf8'));
    } else if (headers.includes('content-transfer-encoding: base64')) {
      decoded.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    }
  }
  return decoded.join('\n');
}
