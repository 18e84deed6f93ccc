import { Type } from 'typebox';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { setOfficerNamesShown } from '../../core/agencies/show-officer-names.ts';
import { AppError } from '../../core/errors.ts';
import { createApiKey } from '../../core/staff/api-keys.ts';
import { createStaffUser } from '../../core/staff/create-staff-user.ts';
import type { StaffRole } from '../../db/schema.ts';
import type { App, AppDeps } from '../build-app.ts';
import { closed, Nullable, RoleSchema, Text, withErrors } from '../schemas.ts';

/** Agency administrators manage their own agency's people and keys; system administrators manage all. */
function assertManages(principal: Principal | null, agencyCode: string | undefined, role?: StaffRole): void {
  if (principal?.kind !== 'staff') throw new AppError('forbidden', 'Only administrators may do this');
  if (principal.role === 'sysadmin') return;
  if (principal.role !== 'agency_admin') throw new AppError('forbidden', 'Only administrators may do this');
  if (!agencyCode || agencyCode.toUpperCase() !== principal.agencyCode) {
    throw new AppError('forbidden', 'An agency administrator manages only their own agency');
  }
  if (role === 'sysadmin' || role === 'oversight') {
    throw new AppError('forbidden', `Only a system administrator may create a ${role} account`);
  }
}

export function adminRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const tags = ['administration'];
  const preHandler = guards.requireStaff({ roles: ['sysadmin', 'agency_admin'], people: true });

  app.put(
    '/api/v1/admin/agencies/:code/officer-names',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Choose whether citizens tracking a case see the name of the officer handling it',
        params: Type.Object({ code: Text(20) }, closed),
        body: Type.Object({ shown: Type.Boolean() }, closed),
        response: withErrors({ 200: Type.Object({ agencyCode: Type.String(), shown: Type.Boolean() }) }),
      },
    },
    async (request) => {
      await setOfficerNamesShown(
        deps,
        request.principal as Principal,
        request.params.code,
        request.body.shown,
      );
      return { agencyCode: request.params.code.toUpperCase(), shown: request.body.shown };
    },
  );

  app.post(
    '/api/v1/admin/users',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Create a staff account',
        body: Type.Object(
          {
            email: Text(254),
            name: Text(120),
            role: RoleSchema,
            agencyCode: Type.Optional(Text(20)),
            password: Text(256),
          },
          closed,
        ),
        response: withErrors({
          201: Type.Object({
            id: Type.String(),
            email: Type.String(),
            role: RoleSchema,
            agencyCode: Nullable(Type.String()),
          }),
        }),
      },
    },
    async (request, reply) => {
      assertManages(request.principal, request.body.agencyCode, request.body.role);
      const principal = request.principal as Principal;
      const user = await createStaffUser(deps, actorOf(principal), request.body);
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/api/v1/admin/api-keys',
    {
      preHandler,
      schema: {
        tags,
        summary: "Create an API key for an agency's systems; the key is shown once",
        body: Type.Object({ agencyCode: Text(20), name: Text(120) }, closed),
        response: withErrors({
          201: Type.Object({
            id: Type.String(),
            key: Type.String(),
            prefix: Type.String(),
            agencyCode: Type.String(),
          }),
        }),
      },
    },
    async (request, reply) => {
      assertManages(request.principal, request.body.agencyCode);
      const created = await createApiKey(deps, actorOf(request.principal as Principal), request.body);
      return reply.status(201).send(created);
    },
  );
}
