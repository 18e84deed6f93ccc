import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALLBACK_PATH, type GatewayReply, postHop } from '../../channels/ussd/simulate.ts';
import { normalisePhone } from '../../core/citizens/normalise-phone.ts';
import { renderSimulator, type SimulatorView } from '../../web/console/ussd-simulator-page.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { consoleContext, staffOf } from './console.ts';

/*
 * The USSD simulator in the console, for demos and staff training: the page posts each step to
 * the real USSD callback, as Africa's Talking does, over HTTP to this server's own port (or, when
 * the app is not listening on a socket, as in some tests, through the same route in process).
 */
export function consoleUssdRoutes(app: App, deps: AppDeps, root: App): void {
  const code = deps.config.portal.ussdCode;
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    view: Omit<SimulatorView, 'ussdCode'>,
    status = 200,
  ) => {
    const language = portalLanguage(request, reply);
    await staffOf(deps, request);
    return sendPage(
      request,
      reply,
      renderSimulator(consoleContext(deps, request, language), { ...view, ussdCode: code }),
      status,
    );
  };
  const hop = async (phone: string, sessionId: string, inputs: string[]): Promise<GatewayReply> => {
    const address = root.server.address() as AddressInfo | string | null;
    const token = deps.config.ussd.callbackToken;
    if (address && typeof address === 'object') {
      return postHop(
        { baseUrl: `http://127.0.0.1:${address.port}`, phoneNumber: phone, serviceCode: code, token },
        sessionId,
        inputs,
      );
    }
    const response = await root.inject({
      method: 'POST',
      url: `${CALLBACK_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`,
      payload: new URLSearchParams({
        sessionId,
        serviceCode: code,
        phoneNumber: phone,
        networkCode: '63902',
        text: inputs.join('*'),
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const match = /^(CON|END) ([\s\S]*)$/.exec(response.body);
    return {
      end: response.statusCode !== 200 || !match || match[1] === 'END',
      text: match?.[2] ?? response.body,
      status: response.statusCode,
      body: response.body,
    };
  };
  /** The number in E.164, or undefined for one that is not a phone number. */
  const phoneOf = (input: string) => {
    try {
      return normalisePhone(input);
    } catch {
      return undefined;
    }
  };
  const fields = async (request: FastifyRequest) => {
    const { body } = await readForm(request);
    const one = (name: string) => {
      const value = body[name];
      return (Array.isArray(value) ? value[0] : value)?.toString().trim() ?? '';
    };
    return one;
  };

  app.get('/console/ussd', { schema: { hide: true } }, (request, reply) =>
    show(request, reply, { phone: '' }),
  );
  app.post('/console/ussd/dial', { schema: { hide: true } }, async (request, reply) => {
    const field = await fields(request);
    const phone = phoneOf(field('phone'));
    if (!phone)
      return show(
        request,
        reply,
        { phone: field('phone'), errors: [{ field: 'phone', key: '!console.ussd_sim.bad_phone' }] },
        400,
      );
    const sessionId = `ATUid_sim_${randomBytes(12).toString('hex')}`;
    const answer = await hop(phone, sessionId, []);
    return show(request, reply, {
      phone,
      session: { id: sessionId, inputs: [], screen: answer.text, ended: answer.end },
    });
  });
  app.post('/console/ussd/answer', { schema: { hide: true } }, async (request, reply) => {
    const field = await fields(request);
    const phone = phoneOf(field('phone'));
    const sessionId = field('sessionId');
    let inputs: string[] = [];
    try {
      const parsed: unknown = JSON.parse(field('inputs') || '[]');
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') && parsed.length < 40)
        inputs = parsed;
    } catch {
      inputs = [];
    }
    if (!phone || !/^ATUid_sim_[0-9a-f]{24}$/.test(sessionId))
      return show(
        request,
        reply,
        { phone: field('phone'), errors: [{ field: 'phone', key: '!console.ussd_sim.bad_phone' }] },
        400,
      );
    const next = [...inputs, field('input').replace(/\*/g, '')];
    const answer = await hop(phone, sessionId, next);
    return show(request, reply, {
      phone,
      session: { id: sessionId, inputs: next, screen: answer.text, ended: answer.end },
    });
  });
}
