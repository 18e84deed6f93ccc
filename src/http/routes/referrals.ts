import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Principal } from '../../core/access/principal.ts';
import { formatReference, parseReference } from '../../core/cases/reference.ts';
import { AppError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import {
  acknowledgeReferral,
  findReferralForAcknowledgement,
} from '../../core/triage/acknowledge-referral.ts';
import {
  type AcknowledgementPage,
  PROBLEMS,
  renderAcknowledgementPage,
} from '../../core/triage/acknowledgement-page.ts';
import { getReferralLetter } from '../../core/triage/get-referral-letter.ts';
import { listCaseReferrals, listReferrals, type ReferralItem } from '../../core/triage/list-referrals.ts';
import { referCase } from '../../core/triage/refer-case.ts';
import { formatReferralToken } from '../../core/triage/referral-token.ts';
import { reissueReferralCode } from '../../core/triage/reissue-referral-code.ts';
import { searchDirectory } from '../../core/triage/search-directory.ts';
import type { App, AppDeps } from '../build-app.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { closed, literals, Nullable, ReferenceParams, StatusSchema, Text, withErrors } from '../schemas.ts';

const DateTime = Type.String({ format: 'date-time' });

const ReferralSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  caseStatus: StatusSchema,
  agency: Type.Object({ id: Type.String(), name: Type.String() }),
  email: Nullable(Type.String()),
  note: Type.String(),
  createdAt: DateTime,
  createdBy: Type.String(),
  emailedAt: Nullable(DateTime),
  emailError: Nullable(Type.String()),
  acknowledgedAt: Nullable(DateTime),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgementNote: Nullable(Type.String()),
  daysOutstanding: Type.Integer(),
  letterUrl: Type.String(),
});

const IssuedCode = {
  token: Type.String({ description: 'The acknowledgement code, shown this once: only its hash is kept' }),
  code: Type.String({ description: 'The same code as printed, XXXX-XXXX-XXXX-XXXX' }),
  letterUrl: Type.String({ description: 'The printable letter with this code on it' }),
  emailed: Type.Boolean(),
  emailError: Nullable(Type.String()),
};

const IdParams = Type.Object({ id: Type.String({ pattern: `^${UUID_PATTERN}$` }) }, closed);
const TokenText = Type.String({ maxLength: 200 });
const Html = { content: { 'text/html': { schema: Type.String() } } };

/**
 * Pages that carry a referral's code or a citizen's words: never cached, never framed, no script,
 * nothing loaded from elsewhere, and no Referer with the code in it.
 */
function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    })
    .send(html);
}

const letterPath = (id: string, token?: string) =>
  `/api/v1/staff/referrals/${id}/letter${token ? `?token=${token}` : ''}`;

const present = (item: ReferralItem) => ({
  ...item,
  createdAt: item.createdAt.toISOString(),
  emailedAt: item.emailedAt?.toISOString() ?? null,
  acknowledgedAt: item.acknowledgedAt?.toISOString() ?? null,
  letterUrl: letterPath(item.id),
});

/** Referrals to agencies not on Baraza: the clearing house's routes and the agencies' one page. */
export function referralRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const tags = ['staff: referrals'];
  const publicTags = ['referrals (agencies not on Baraza)'];
  const who = (principal: Principal | null): Principal => {
    if (!principal) throw new Error('unreachable: guarded route');
    return principal;
  };

  app.post(
    '/api/v1/staff/cases/:reference/referrals',
    {
      preHandler: guards.requireStaff({ people: true }),
      schema: {
        tags,
        summary: 'Refer a clearing-house case to an agency that is not on Baraza',
        description:
          'The case stays open with the clearing house until the agency acknowledges. With an e-mail address (and a mail server configured) the letter is e-mailed; a failed send keeps the referral, with the error.',
        params: ReferenceParams,
        body: Type.Object(
          {
            agencyId: Text(64),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
            note: Text(2000),
          },
          closed,
        ),
        response: withErrors({
          201: Type.Object({
            referralId: Type.String(),
            reference: Type.String(),
            agency: Type.Object({ id: Type.String(), name: Type.String() }),
            status: StatusSchema,
            ...IssuedCode,
          }),
        }),
      },
    },
    async (request, reply) => {
      const created = await referCase(deps, who(request.principal), request.params.reference, request.body);
      reply.status(201);
      return {
        ...created,
        reference: parseReference(request.params.reference),
        code: formatReferralToken(created.token),
        letterUrl: letterPath(created.referralId, created.token),
      };
    },
  );

  app.get(
    '/api/v1/staff/cases/:reference/referrals',
    {
      preHandler: guards.requireStaff(),
      schema: {
        tags,
        summary: "A case's referrals, oldest first",
        params: ReferenceParams,
        response: withErrors({ 200: Type.Object({ items: Type.Array(ReferralSchema) }) }),
      },
    },
    async (request) => {
      const items = await listCaseReferrals(deps, who(request.principal), request.params.reference);
      return { items: items.map(present) };
    },
  );

  app.get(
    '/api/v1/staff/referrals',
    {
      preHandler: guards.requireStaff(),
      schema: {
        tags,
        summary: "The clearing house's referrals: open ones first, longest waiting at the top",
        querystring: Type.Object(
          {
            status: Type.Optional(literals(['open', 'acknowledged', 'all'] as const)),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          closed,
        ),
        response: withErrors({ 200: Type.Object({ items: Type.Array(ReferralSchema) }) }),
      },
    },
    async (request) => {
      const { status = 'open', limit } = request.query;
      const items = await listReferrals(deps, who(request.principal), { status, limit });
      return { items: items.map(present) };
    },
  );

  app.get(
    '/api/v1/staff/referrals/:id/letter',
    {
      preHandler: guards.requireStaff(),
      schema: {
        tags,
        summary: 'The printable referral letter (HTML, English and Kiswahili)',
        description:
          'The acknowledgement code is not stored, so it is printed only when given as ?token= (from referring, or from issuing a new code).',
        params: IdParams,
        querystring: Type.Object({ token: Type.Optional(TokenText) }, closed),
        response: withErrors({ 200: Html }),
      },
    },
    async (request, reply) => {
      const letter = await getReferralLetter(
        deps,
        who(request.principal),
        request.params.id,
        request.query.token,
      );
      return sendHtml(reply, 200, letter.html);
    },
  );

  app.post(
    '/api/v1/staff/referrals/:id/code',
    {
      preHandler: guards.requireStaff(),
      schema: {
        tags,
        summary: 'Issue a new acknowledgement code when the first is lost (the old one stops working)',
        params: IdParams,
        response: withErrors({ 200: Type.Object({ referralId: Type.String(), ...IssuedCode }) }),
      },
    },
    async (request) => {
      const issued = await reissueReferralCode(deps, who(request.principal), request.params.id);
      return {
        ...issued,
        code: formatReferralToken(issued.token),
        letterUrl: letterPath(issued.referralId, issued.token),
      };
    },
  );

  app.get(
    '/api/v1/staff/directory',
    {
      preHandler: guards.requireStaff(),
      schema: {
        tags,
        summary: 'Agencies not on Baraza matching a name or a description, for the referral form',
        querystring: Type.Object({ q: Text(500) }, closed),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(
              Type.Object({ id: Type.String(), name: Type.String(), score: Nullable(Type.Number()) }),
            ),
          }),
        }),
      },
    },
    async (request) => ({ items: await searchDirectory(deps, request.query.q) }),
  );

  // The receiving agency's side: public, reached through the link or code in the letter.
  const track = { rateLimit: deps.config.rateLimits.track };
  const submit = { rateLimit: deps.config.rateLimits.submit };

  app.post(
    '/api/v1/referrals/acknowledge',
    {
      config: submit,
      schema: {
        tags: publicTags,
        summary: 'Acknowledge a referral with the code from its letter or e-mail (again: the first answer)',
        body: Type.Object(
          { token: Text(200), name: Text(120), note: Type.Optional(Type.String({ maxLength: 2000 })) },
          closed,
        ),
        response: withErrors({
          200: Type.Object({
            referralId: Type.String(),
            reference: Type.String(),
            referenceDisplay: Type.String(),
            agencyName: Type.String(),
            acknowledgedAt: DateTime,
            acknowledgedBy: Type.String(),
            alreadyAcknowledged: Type.Boolean(),
          }),
        }),
      },
    },
    async (request) => {
      const { firstTime, acknowledgedAt, ...done } = await acknowledgeReferral(deps, request.body);
      return {
        ...done,
        referenceDisplay: formatReference(done.reference),
        acknowledgedAt: acknowledgedAt.toISOString(),
        alreadyAcknowledged: !firstTime,
      };
    },
  );

  app.get(
    '/referrals/acknowledge',
    {
      config: track,
      schema: {
        tags: publicTags,
        summary: 'The page where an agency acknowledges a referral (HTML, English and Kiswahili)',
        querystring: Type.Object({ token: Type.Optional(TokenText) }, closed),
        response: { 200: Html, 404: Html },
      },
    },
    async (request, reply) => {
      const token = request.query.token?.trim();
      if (!token) return sendHtml(reply, 200, renderAcknowledgementPage({ kind: 'form' }));
      const page = await acknowledgementPageFor(() => findReferralForAcknowledgement(deps.db, token), {
        token,
      });
      return sendHtml(reply, page.status, renderAcknowledgementPage(page.page));
    },
  );

  // The page's form posts as an HTML form does (urlencoded), so it works without any script.
  app.register(async (forms) => {
    acceptFormBodies(forms);
    forms.post(
      '/referrals/acknowledge',
      {
        config: submit,
        schema: {
          tags: publicTags,
          summary: 'The form on the acknowledgement page',
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Object({
            token: Type.Optional(Type.String({ maxLength: 200 })),
            name: Type.Optional(Type.String({ maxLength: 1000 })),
            note: Type.Optional(Type.String({ maxLength: 20_000 })),
          }),
          response: { 200: Html, 400: Html, 404: Html },
        },
      },
      async (request, reply) => {
        const { token = '', name = '', note = '' } = request.body as Record<string, string | undefined>;
        const values = { name, note };
        const problem = !name.trim()
          ? PROBLEMS.nameMissing
          : name.length > 120 || note.length > 2000
            ? PROBLEMS.tooLong
            : undefined;
        const page = await acknowledgementPageFor(
          () =>
            problem
              ? findReferralForAcknowledgement(deps.db, token)
              : acknowledgeReferral(deps, { token, name, note }),
          { token, values },
        );
        // A good code with a bad form: the same form again, saying what to fix.
        if (problem && page.page.kind === 'form' && page.status === 200) {
          return sendHtml(reply, 400, renderAcknowledgementPage({ ...page.page, problem }));
        }
        return sendHtml(reply, page.status, renderAcknowledgementPage(page.page));
      },
    );
  });
}

type Found = {
  reference: string;
  agencyName: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  firstTime?: boolean;
};

/**
 * Turns a lookup or an acknowledgement into the page to show: the referral acknowledged, the
 * form for it, or (an unknown code) the form asking for the code again, as 404.
 */
async function acknowledgementPageFor(
  find: () => Promise<Found>,
  form: { token: string; values?: { name: string; note: string } },
): Promise<{ status: number; page: AcknowledgementPage }> {
  try {
    const found = await find();
    const referral = { reference: found.reference, agencyName: found.agencyName };
    if (found.acknowledgedAt) {
      return {
        status: 200,
        page: {
          kind: 'acknowledged',
          referral: {
            ...referral,
            acknowledgedAt: found.acknowledgedAt,
            acknowledgedBy: found.acknowledgedBy ?? '',
          },
          firstTime: found.firstTime === true,
        },
      };
    }
    return { status: 200, page: { kind: 'form', token: form.token, referral, values: form.values } };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
    return { status: 404, page: { kind: 'form', problem: PROBLEMS.unknownCode, values: form.values } };
  }
}
