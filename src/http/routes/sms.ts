import { Type } from 'typebox';
import { answerSms, senderPhone } from '../../channels/sms/answer-sms.ts';
import { informationComingSoon } from '../../core/knowledge/information-source.ts';
import { optOut } from '../../core/messages/opt-outs.ts';
import { recordDeliveryReport } from '../../core/messages/record-delivery-report.ts';
import { translator } from '../../i18n/index.ts';
import type { App, AppDeps } from '../build-app.ts';
import { requireCallbackToken } from '../callback-token.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { languageOf, sendError } from '../handle-errors.ts';
import { ErrorSchema } from '../schemas.ts';

/*
 * Africa's Talking's SMS callbacks (docs/channels.md): a message to the shortcode, a delivery
 * report on a message Baraza sent, and the notice that a number opted out of the sender id. The
 * gateway posts form fields server to server, with no cookies: the browser form guard of the
 * portal and the console (same-origin.ts) belongs to their scopes and does not apply here, and
 * must not (a gateway may send any Origin). What stands in for it is the optional shared token in
 * the callback URL (BARAZA_SMS_TOKEN).
 *
 * What is answered how: a request the gateway could not have sent (no id, no from) is a 400. A
 * message it did send is a 200 whatever it holds (a sender that is not a phone, an empty or
 * over-long text): the citizen gets a reply where there is one to get, and the gateway has no
 * reason to send it again. A 503 says Baraza could not handle it now (the database is away) and
 * the gateway should try again; nothing of it was kept.
 */

const Field = (maxLength: number, description: string) => Type.String({ maxLength, description });
const GatewayId = (description: string) =>
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[!-~]+$', description });

const InboundBody = Type.Object(
  {
    id: GatewayId("The gateway's message id (ATXid_...): a message delivered again is answered once"),
    from: Type.String({ minLength: 1, maxLength: 64, description: "The sender's number, E.164 with its +" }),
    to: Type.String({ minLength: 1, maxLength: 32, description: 'The shortcode or number written to' }),
    // Not limited here: a text too long gets a reply saying so, not a 400.
    text: Type.Optional(Type.String({ description: 'What the citizen wrote (may be empty)' })),
    date: Type.Optional(Field(64, 'When the gateway received it, as the gateway writes it')),
    linkId: Type.Optional(Field(128, 'Premium (on-demand) messages only; may be empty or absent')),
    networkCode: Type.Optional(Field(16, 'MCC and MNC, e.g. 63902 (Safaricom)')),
  },
  { description: 'Form fields (application/x-www-form-urlencoded); unknown fields are ignored' },
);

const DeliveryBody = Type.Object(
  {
    id: GatewayId('The messageId the send answer gave'),
    status: Type.Optional(Field(32, 'Sent, Submitted, Buffered, Success, Failed, Rejected, ...')),
    phoneNumber: Type.Optional(Field(64, 'The recipient')),
    networkCode: Type.Optional(Field(16, 'MCC and MNC')),
    retryCount: Type.Optional(Field(10, 'How many times the gateway tried')),
    failureReason: Type.Optional(
      Field(64, 'With Failed and Rejected: UserInBlackList, DeliveryFailure, ...'),
    ),
  },
  { description: 'Form fields (application/x-www-form-urlencoded); unknown fields are ignored' },
);

const OptOutBody = Type.Object(
  {
    phoneNumber: Type.String({ minLength: 1, maxLength: 64, description: 'The number that opted out' }),
    senderId: Type.Optional(Field(32, 'The sender id it opted out of')),
  },
  { description: 'Form fields (application/x-www-form-urlencoded); unknown fields are ignored' },
);

const Token = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200, description: 'The shared token, when one is set' })),
});

const Outcome = (description: string) => Type.Object({ outcome: Type.String({ description }) });

export async function smsRoutes(app: App, deps: AppDeps): Promise<void> {
  const sms = {
    ...deps,
    information: deps.information ?? informationComingSoon,
    publicUrl: deps.config.publicUrl,
  };
  const expected = deps.config.smsInbound.callbackToken;

  await app.register(async (scope) => {
    acceptFormBodies(scope, 16 * 1024);
    // Before the body is read: a caller without the token learns nothing, not even what a valid body is.
    scope.addHook('onRequest', async (request) => {
      const token = (request.query as { token?: unknown }).token;
      requireCallbackToken(expected, typeof token === 'string' ? token : undefined, 'BARAZA_SMS_TOKEN');
    });
    const channel = scope as unknown as App;

    channel.post(
      '/channels/sms/africastalking/inbound',
      {
        schema: {
          tags: ['channels'],
          summary: "An SMS to the shortcode (Africa's Talking callback)",
          description:
            "A keyword (STATUS/HALI, HELP/MSAADA, STOP/SITISHA, START/ANZA, INFO/TAARIFA) or a report in the citizen's words, which becomes a triaged case or the answer to the case waiting for one. The reply goes back by SMS through the outbox. The same id delivered again is answered once.",
          querystring: Token,
          body: InboundBody,
          response: {
            200: Type.Object({
              outcome: Type.String({ description: 'What was done (the first time, for a repeat)' }),
              duplicate: Type.Boolean({ description: 'This id had been delivered before' }),
            }),
            400: ErrorSchema,
            403: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (request, reply) => {
        const { id, from, to, text, date, linkId, networkCode } = request.body;
        try {
          return await answerSms(sms, { id, from, to, text: text ?? '', date, linkId, networkCode });
        } catch (error) {
          request.log.error({ err: error, smsId: id }, 'inbound SMS failed');
          return sendError(reply, 503, 'unavailable', translator(languageOf(request))('errors.internal'), {});
        }
      },
    );

    channel.post(
      '/channels/sms/africastalking/delivery',
      {
        schema: {
          tags: ['channels'],
          summary: "What became of an SMS Baraza sent (Africa's Talking delivery report)",
          description:
            'Kept on the outbox message with that provider message id. An id Baraza never sent, or a report without a status, is acknowledged and ignored.',
          querystring: Token,
          body: DeliveryBody,
          response: {
            200: Outcome('recorded, kept_final (a final status is not replaced), unknown or no_status'),
            400: ErrorSchema,
            403: ErrorSchema,
          },
        },
      },
      async (request) => {
        const { id, status, failureReason } = request.body;
        if (!status) return { outcome: 'no_status' };
        const outcome = await recordDeliveryReport(deps.db, {
          providerMessageId: id,
          status,
          failureReason: failureReason || undefined,
          at: deps.now(),
        });
        return { outcome };
      },
    );

    channel.post(
      '/channels/sms/africastalking/opt-out',
      {
        schema: {
          tags: ['channels'],
          summary: "A number opted out of the sender id (Africa's Talking bulk SMS opt-out notification)",
          description: 'Recorded as if the citizen had sent STOP: no more notifications by SMS.',
          querystring: Token,
          body: OptOutBody,
          response: {
            200: Outcome('opted_out, or ignored for a number that is not E.164'),
            400: ErrorSchema,
            403: ErrorSchema,
          },
        },
      },
      async (request) => {
        const phone = senderPhone(request.body.phoneNumber);
        if (!phone) return { outcome: 'ignored' };
        await optOut(deps.db, 'sms', phone, deps.now());
        return { outcome: 'opted_out' };
      },
    );
  });
}
