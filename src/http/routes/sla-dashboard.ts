import { Type } from 'typebox';
import { checkNothingFallsThrough, latestCheck } from '../../core/sla/check-nothing-falls-through.ts';
import { summariseOpenCases } from '../../core/sla/summarise-open-cases.ts';
import { renderSlaDashboard } from '../../web/admin/sla-dashboard-page.ts';
import type { App, AppDeps } from '../build-app.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { languageOf } from '../handle-errors.ts';
import { closed, literals } from '../schemas.ts';

const PATH = '/admin/sla';

/**
 * The administrators' dashboard for service levels: open cases against their deadlines per
 * agency, and the last "nothing falls through" check with what it found and repaired. A page for
 * people (HTML, English or Kiswahili); the same data is at /api/v1/admin/sla/health.
 */
export function slaDashboardRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const preHandler = guards.requireStaff({ roles: ['sysadmin'], people: true });
  const querystring = Type.Object({ lang: Type.Optional(literals(['en', 'sw'] as const)) }, closed);

  app.get(PATH, { preHandler, schema: { hide: true, querystring } }, async (request, reply) => {
    const now = deps.now();
    const [loads, check] = await Promise.all([summariseOpenCases(deps.db, now), latestCheck(deps.db)]);
    const language = languageOf(request);
    const page = renderSlaDashboard({
      language,
      path: PATH,
      check,
      loads: loads.map((load) => {
        const agency = deps.reference.agencyById(load.agencyId);
        return {
          ...load,
          agencyCode: agency?.code ?? null,
          agencyName: (language === 'sw' && agency?.nameSw) || agency?.name || load.agencyId,
        };
      }),
    });
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page.value);
  });

  // The button posts as an HTML form does; the cookie is SameSite=Lax, so no other site can post it.
  app.register(async (forms) => {
    acceptFormBodies(forms);
    forms.post(
      `${PATH}/check`,
      { preHandler, schema: { hide: true, querystring } },
      async (request, reply) => {
        await checkNothingFallsThrough(deps, deps.now());
        // Post/redirect/get: reloading the page does not run the check again.
        return reply.redirect(`${PATH}?lang=${languageOf(request)}`, 303);
      },
    );
  });
}
