import { Type } from 'typebox';
import { answerHop, failedReply } from '../../channels/ussd/answer-hop.ts';
import { informationComingSoon } from '../../channels/ussd/information-source.ts';
import { recordSessionEvent } from '../../channels/ussd/record-session-event.ts';
import type { UssdDeps } from '../../channels/ussd/ussd-ports.ts';
import type { App, AppDeps } from '../build-app.ts';
import { requireCallbackToken } from '../callback-token.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { ErrorSchema } from '../schemas.ts';

/*
 * Africa's Talking's USSD callbacks (docs/channels.md): each hop of a session, and the notice that
 * a session ended. The gateway posts form fields server to server, with no cookies: the browser
 * form guard of the portal and the console (same-origin.ts) belongs to their scopes and does not
 * apply here, and must not (a gateway may send any Origin). What stands in for it is the optional
 * shared token in the callback URL (BARAZA_USSD_TOKEN).
 */

const Field = (maxLength: number, description: string) => Type.String({ maxLength, description });

const HopBody = Type.Object(
  {
    sessionId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[!-~]+$', description: 'ATUid_...' }),
    phoneNumber: Field(32, "The caller's number, E.164 with its +"),
    serviceCode: Type.Optional(Field(64, 'The code dialled, e.g. *384*2020#')),
    networkCode: Type.Optional(Field(16, 'MCC and MNC, e.g. 63902 (Safaricom)')),
    // Not limited here: a text too long gets an END screen saying so, not a 400.
    text: Type.Optional(Type.String({ description: 'Every input of the session so far, joined with *' })),
  },
  { description: 'Form fields (application/x-www-form-urlencoded); unknown fields are ignored' },
);

const EventBody = Type.Object({
  sessionId: Type.String({ minLength: 1, maxLength: 128 }),
  date: Type.Optional(Field(64, 'When the session ended, as the gateway writes it')),
  serviceCode: Type.Optional(Field(64, 'The code dialled')),
  networkCode: Type.Optional(Field(16, 'MCC and MNC')),
  phoneNumber: Type.Optional(Field(32, "The caller's number")),
  status: Type.Optional(Field(32, 'Success, Incomplete or Failed')),
  cost: Type.Optional(Field(64, 'e.g. KES 0.10')),
  durationInMillis: Type.Optional(Field(20, 'Milliseconds')),
  hopsCount: Type.Optional(Field(10, 'Hops in the session')),
  input: Type.Optional(Field(8000, 'The last text of the session')),
  lastAppResponse: Type.Optional(Field(1000, 'Our last screen, with its CON or END')),
  errorMessage: Type.Optional(Field(1000, 'Why it failed, when it did')),
});

/** How the gateway posts; JSON is read too (a hand-made request, a test). */
const FORM = ['application/x-www-form-urlencoded', 'application/json'];

const Token = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200, description: 'The shared token, when one is set' })),
});

const PlainText = (description: string) => ({
  description,
  content: { 'text/plain': { schema: Type.String() } },
});

export async function ussdRoutes(app: App, deps: AppDeps): Promise<void> {
  const ussd: UssdDeps = {
    ...deps,
    information: deps.information ?? informationComingSoon,
    ussdCode: deps.config.portal.ussdCode,
    publicUrl: deps.config.publicUrl,
  };
  const expected = deps.config.ussd.callbackToken;
  const checkToken = (given: string | undefined) =>
    requireCallbackToken(expected, given, 'BARAZA_USSD_TOKEN');

  await app.register(async (scope) => {
    acceptFormBodies(scope, 16 * 1024);
    const channel = scope as unknown as App;

    channel.post(
      '/channels/ussd/africastalking',
      {
        schema: {
          tags: ['channels'],
          summary: "A hop of a USSD session (Africa's Talking callback)",
          description:
            'Answers with the next screen as text/plain: "CON " and a screen waiting for input, or "END " and a last screen. A retried hop gets the same answer and has no second effect.',
          consumes: FORM,
          querystring: Token,
          body: HopBody,
          response: {
            200: PlainText('CON or END, a space, and the screen (at most 182 characters)'),
            400: ErrorSchema,
            403: ErrorSchema,
          },
        },
      },
      async (request, reply) => {
        checkToken(request.query.token);
        const { sessionId, phoneNumber, serviceCode, networkCode, text } = request.body;
        let answer: { end: boolean; text: string };
        try {
          answer = await answerHop(ussd, {
            sessionId,
            phoneNumber: phoneNumber.trim(),
            serviceCode: serviceCode ?? '',
            networkCode,
            text: text ?? '',
          });
        } catch (error) {
          // Whatever failed, the caller gets a screen that says so, never a gateway error page.
          request.log.error({ err: error, sessionId }, 'USSD hop failed');
          answer = failedReply();
        }
        return reply.type('text/plain; charset=utf-8').send(`${answer.end ? 'END' : 'CON'} ${answer.text}`);
      },
    );

    channel.post(
      '/channels/ussd/africastalking/events',
      {
        schema: {
          tags: ['channels'],
          summary: "A USSD session ended (Africa's Talking notification)",
          description: 'Kept once per session for operators (cost, duration, where callers stopped).',
          consumes: FORM,
          querystring: Token,
          body: EventBody,
          response: { 200: PlainText('OK'), 400: ErrorSchema, 403: ErrorSchema },
        },
      },
      async (request, reply) => {
        checkToken(request.query.token);
        await recordSessionEvent(deps.db, request.body, deps.now());
        return reply.type('text/plain; charset=utf-8').send('OK');
      },
    );
  });
}
