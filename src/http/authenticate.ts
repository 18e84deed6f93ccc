import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/access/principal.ts';
import { AppError } from '../core/errors.ts';
import { authenticateApiKey } from '../core/staff/api-keys.ts';
import { resolveSession, type SessionScope } from '../core/staff/sessions.ts';
import type { StaffRole } from '../db/schema.ts';
import type { AppDeps } from './build-app.ts';

export const SESSION_COOKIE = 'baraza_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionScope: SessionScope | null;
  }
}

/**
 * preHandlers that say who may call a route. A session cookie identifies a person; an
 * `Authorization: Bearer bz_...` header identifies an agency's integration. Sessions still
 * waiting for an administrator's two-factor enrolment may reach only the enrolment routes.
 */
export function authGuards(deps: AppDeps) {
  async function identify(request: FastifyRequest): Promise<void> {
    const bearer = request.headers.authorization;
    if (bearer?.startsWith('Bearer ')) {
      request.principal = (await authenticateApiKey(deps.db, bearer.slice(7).trim())) ?? null;
      if (!request.principal)
        throw new AppError('unauthenticated', 'The API key is not valid or has been revoked');
      request.sessionScope = 'full';
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(deps, token) : undefined;
    request.principal = session?.principal ?? null;
    request.sessionScope = session?.scope ?? null;
  }

  function requireStaff(
    options: { roles?: readonly StaffRole[]; allowEnrolment?: boolean; people?: boolean } = {},
  ) {
    return async (request: FastifyRequest, _reply: FastifyReply) => {
      await identify(request);
      const principal = request.principal;
      if (!principal) throw new AppError('unauthenticated', 'Sign in first').translatable('unauthenticated');
      if (options.people && principal.kind !== 'staff')
        throw new AppError('forbidden', 'This needs a person, not an API key');
      if (request.sessionScope === 'enrol_totp' && !options.allowEnrolment) {
        throw new AppError('forbidden', 'Set up two-factor authentication before anything else', {
          next: '/api/v1/auth/totp/setup',
        });
      }
      if (options.roles) {
        const role = principal.kind === 'staff' ? principal.role : undefined;
        if (!role || !options.roles.includes(role))
          throw new AppError('forbidden', 'Your role may not do this');
      }
    };
  }

  return { requireStaff };
}
