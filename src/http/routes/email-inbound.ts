import { Type } from 'typebox';
import { type InboundMail, receiveMail, withoutQuote } from '../../channels/email/receive-mail.ts';
import { AppError } from '../../core/errors.ts';
import type { App, AppDeps } from '../build-app.ts';
import { sameSecret } from '../callback-token.ts';
import { ErrorSchema } from '../schemas.ts';

/*
 * E-mail from citizens, by an inbound-mail webhook in Postmark's JSON format (docs/channels.md).
 * A forged call could put words in a citizen's mouth (the sender's address is all the proof an
 * e-mail has), so the webhook is off until BARAZA_INBOUND_MAIL_TOKEN is set, and every call must
 * carry it in ?token=.
 */

const Address = Type.Object({
  Email: Type.String({ maxLength: 320 }),
  Name: Type.Optional(Type.String({ maxLength: 200 })),
});

const PostmarkInbound = Type.Object(
  {
    MessageID: Type.String({ minLength: 1, maxLength: 300 }),
    From: Type.Optional(Type.String({ maxLength: 600 })),
    FromName: Type.Optional(Type.String({ maxLength: 200 })),
    FromFull: Type.Optional(Address),
    Subject: Type.Optional(Type.String({ maxLength: 2000 })),
    TextBody: Type.Optional(Type.String({ maxLength: 200_000 })),
    StrippedTextReply: Type.Optional(Type.String({ maxLength: 200_000 })),
    MailboxHash: Type.Optional(Type.String({ maxLength: 300 })),
    Headers: Type.Optional(
      Type.Array(
        Type.Object({ Name: Type.String({ maxLength: 200 }), Value: Type.String({ maxLength: 2000 }) }),
        {
          maxItems: 200,
        },
      ),
    ),
  },
  { description: "Postmark's inbound webhook JSON; other fields (HtmlBody, Attachments, ...) are ignored" },
);

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}\.[^\s@<>]{2,}$/;

export function emailInboundRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/channels/email/inbound',
    {
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['channels'],
        summary: 'An e-mail from a citizen (inbound-mail webhook, Postmark format)',
        description:
          'Adds the message to the sender’s case named in the subject or the address (case+<reference>@), or makes a new case. Answers 200 with the outcome; a retry of the same Message-ID changes nothing.',
        querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
        body: PostmarkInbound,
        response: {
          200: Type.Object({ outcome: Type.String(), reference: Type.String() }),
          400: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const expected = deps.config.mail.inboundToken;
      if (!expected)
        throw new AppError('not_found', 'Inbound e-mail is not switched on (BARAZA_INBOUND_MAIL_TOKEN)');
      if (!sameSecret(request.query.token ?? '', expected))
        throw new AppError('forbidden', 'This webhook needs the token set in BARAZA_INBOUND_MAIL_TOKEN');
      const body = request.body;
      const from = (body.FromFull?.Email ?? /<([^>]+)>/.exec(body.From ?? '')?.[1] ?? body.From ?? '')
        .trim()
        .toLowerCase();
      if (!EMAIL.test(from))
        throw new AppError(
          'invalid_input',
          'FromFull.Email: the sender’s address is missing or not an e-mail address',
          [{ field: 'FromFull.Email', problem: 'not an e-mail address' }],
        );
      const header = body.Headers?.find((h) => h.Name.toLowerCase() === 'message-id')?.Value;
      const text = withoutQuote(body.StrippedTextReply || body.TextBody || '');
      const subject = (body.Subject ?? '').trim();
      if (`${subject}${text}`.replace(/\s/g, '').length < 5)
        throw new AppError('invalid_input', 'TextBody: the message has no words to act on', [
          { field: 'TextBody', problem: 'empty' },
        ]);
      const mail: InboundMail = {
        messageId: (header ?? body.MessageID).trim(),
        from,
        fromName: (body.FromFull?.Name || body.FromName || '').trim() || undefined,
        subject,
        text: text || subject,
        mailboxHash: body.MailboxHash,
      };
      return receiveMail(deps, mail);
    },
  );
}
