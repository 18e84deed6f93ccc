import { Type } from 'typebox';
import {
  confirmTotpEnrolment,
  signIn,
  signOut,
  signOutEverywhere,
  startTotpEnrolment,
} from '../../core/staff/sessions.ts';
import { SESSION_COOKIE } from '../authenticate.ts';
import type { App, AppDeps } from '../build-app.ts';
import { closed, Nullable, RoleSchema, Text, withErrors } from '../schemas.ts';

const Me = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('api_key')]),
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  agencyCode: Nullable(Type.String()),
  sessionScope: Type.Union([Type.Literal('full'), Type.Literal('enrol_totp')]),
});

export function authRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const tags = ['staff accounts'];
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    // Secure whenever the request came over HTTPS (directly or through a trusted proxy).
    secure: 'auto' as const,
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: { rateLimit: deps.config.rateLimits.login },
      schema: {
        tags,
        summary: 'Sign in with e-mail, password and, when enrolled, a TOTP code',
        body: Type.Object(
          {
            email: Text(254),
            password: Text(256),
            totpCode: Type.Optional(Type.String({ pattern: '^\\s*\\d{6}\\s*$' })),
          },
          closed,
        ),
        response: withErrors({
          200: Type.Object({ user: Me, expiresAt: Type.String({ format: 'date-time' }) }),
          423: Type.Any(),
        }),
      },
    },
    async (request, reply) => {
      const signed = await signIn(deps, request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      reply.setCookie(SESSION_COOKIE, signed.token, { ...cookieOptions, expires: signed.expiresAt });
      const p = signed.principal;
      return {
        user: {
          kind: 'staff' as const,
          id: p.userId,
          name: p.name,
          role: p.role,
          agencyCode: p.agencyCode,
          sessionScope: signed.scope,
        },
        expiresAt: signed.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out of this session' } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(deps.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/auth/logout-everywhere',
    {
      preHandler: guards.requireStaff({ allowEnrolment: true, people: true }),
      schema: {
        tags,
        summary: 'Sign out of every session of this account',
        response: withErrors({ 200: Type.Object({ sessionsEnded: Type.Integer() }) }),
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.kind !== 'staff') throw new Error('unreachable: guarded route');
      const sessionsEnded = await signOutEverywhere(deps.db, principal.userId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { sessionsEnded };
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      preHandler: guards.requireStaff({ allowEnrolment: true }),
      schema: { tags, summary: 'Who is signed in', response: withErrors({ 200: Me }) },
    },
    async (request) => {
      const p = request.principal;
      if (!p) throw new Error('unreachable: guarded route');
      return p.kind === 'staff'
        ? {
            kind: 'staff' as const,
            id: p.userId,
            name: p.name,
            role: p.role,
            agencyCode: p.agencyCode,
            sessionScope: request.sessionScope ?? 'full',
          }
        : {
            kind: 'api_key' as const,
            id: p.keyId,
            name: 'API key',
            role: 'officer' as const,
            agencyCode: p.agencyCode,
            sessionScope: 'full' as const,
          };
    },
  );

  app.post(
    '/api/v1/auth/totp/setup',
    {
      preHandler: guards.requireStaff({ allowEnrolment: true, people: true }),
      schema: {
        tags,
        summary:
          'Start two-factor enrolment: returns a secret and an otpauth:// URI for an authenticator app',
        response: withErrors({ 200: Type.Object({ secret: Type.String(), uri: Type.String() }) }),
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new Error('unreachable: guarded route');
      const user = await deps.db
        .selectFrom('staffUsers')
        .select('email')
        .where('id', '=', p.userId)
        .executeTakeFirstOrThrow();
      return startTotpEnrolment(deps.db, p.userId, user.email);
    },
  );

  app.post(
    '/api/v1/auth/totp/confirm',
    {
      preHandler: guards.requireStaff({ allowEnrolment: true, people: true }),
      schema: {
        tags,
        summary: 'Finish two-factor enrolment with a code from the app',
        body: Type.Object({ code: Type.String({ pattern: '^\\s*\\d{6}\\s*$' }) }, closed),
        response: withErrors({ 200: Type.Object({ totpEnabled: Type.Literal(true) }) }),
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new Error('unreachable: guarded route');
      await confirmTotpEnrolment(deps.db, p.userId, request.cookies[SESSION_COOKIE] ?? '', request.body.code);
      return { totpEnabled: true as const };
    },
  );
}
