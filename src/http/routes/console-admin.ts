import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../core/access/principal.ts';
import { setOfficerNamesShown } from '../../core/agencies/show-officer-names.ts';
import { OPEN_STATUSES } from '../../core/cases/state-machine.ts';
import { administeredAgency, assertSysadmin } from '../../core/console/admin-access.ts';
import {
  createTemplate,
  findTemplate,
  listTemplates,
  updateTemplate,
} from '../../core/console/response-templates.ts';
import { systemHealth } from '../../core/console/system-health.ts';
import { AppError } from '../../core/errors.ts';
import { listCalendars, listPolicies, savePolicy, setAgencyCalendar } from '../../core/sla/manage-sla.ts';
import { CLOCKS, DURATION_UNITS, type Duration, type DurationUnit } from '../../core/sla/sla-policy.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/staff/api-keys.ts';
import { createStaffUser } from '../../core/staff/create-staff-user.ts';
import { AGENCY_ROLES, listStaff, updateStaffUser } from '../../core/staff/manage-staff.ts';
import { listRules, saveRule } from '../../core/triage/manage-rules.ts';
import { type Language, PRIORITIES, type Priority, STAFF_ROLES, type StaffRole } from '../../db/schema.ts';
import {
  renderAdminHome,
  renderAgencies,
  renderHealth,
  renderKeys,
  renderProfile,
  renderRules,
  renderSla,
  renderTemplates,
  renderUsers,
} from '../../web/console/admin-pages.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { sendPage } from '../portal-support.ts';
import { consoleContext, type staffOf } from './console.ts';
import { adminForms, problemsOf, type Show, type Who } from './console-admin-forms.ts';

type Staff = Awaited<ReturnType<typeof staffOf>>;

/**
 * Administration in the console: an agency administrator keeps their agency's people, response
 * templates, profile and deadlines; the system administrator keeps accounts, national templates,
 * API keys, and watches agencies and system health. Every page checks the role again.
 */
export function consoleAdminRoutes(app: App, deps: AppDeps): void {
  const { admin, save, flashOf, hidden, fields } = adminForms(deps);

  app.get(
    '/console/admin',
    hidden,
    admin(async (request, reply, { principal, language, sysadmin }) =>
      sendPage(
        request,
        reply,
        renderAdminHome(
          consoleContext(deps, request, language),
          sysadmin,
          principal.agencyId === deps.reference.clearingHouse.id,
        ),
      ),
    ),
  );

  // People and roles.
  const showUsers: Show = async (request, reply, who, extra = {}, status = 200) => {
    const users = await listStaff(deps.db, who.principal);
    const name = (id: string | null) => {
      const agency = id ? deps.reference.agencyById(id) : undefined;
      return agency ? (who.language === 'sw' && agency.nameSw) || agency.name : '–';
    };
    return sendPage(
      request,
      reply,
      renderUsers(consoleContext(deps, request, who.language), {
        users,
        roles: who.sysadmin
          ? STAFF_ROLES
          : AGENCY_ROLES.filter((r) => r !== 'clearing_house' || isClearingHouse(who.principal)),
        agencies: who.sysadmin ? onboarded(who.language) : null,
        agencyName: name,
        selfId: who.principal.userId,
        values: extra.values ?? {},
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  const isClearingHouse = (principal: Staff) => principal.agencyId === deps.reference.clearingHouse.id;
  const onboarded = (language: Language) =>
    deps.reference
      .onboardedAgencies()
      .filter((a) => a.code)
      .map((a) => ({ code: a.code as string, name: (language === 'sw' && a.nameSw) || a.name }));

  app.get(
    '/console/admin/users',
    hidden,
    admin((request, reply, who) => showUsers(request, reply, who)),
  );
  app.post(
    '/console/admin/users',
    hidden,
    save('/console/admin/users', showUsers, 'user_created', async (form, who) => {
      const role = form.role as StaffRole;
      const errors: FieldError[] = [];
      if ((form.name?.length ?? 0) < 2) errors.push({ field: 'name', key: '!console.admin.problems.name' });
      if (!(who.sysadmin ? STAFF_ROLES : AGENCY_ROLES).includes(role))
        errors.push({ field: 'role', key: '!console.admin.problems.role' });
      if (errors.length > 0) return errors;
      await createStaffUser(deps, actorOf(who.principal), {
        name: form.name ?? '',
        email: form.email ?? '',
        role,
        agencyCode: who.sysadmin ? form.agencyCode || undefined : (who.principal.agencyCode ?? undefined),
        password: form.password ?? '',
      });
      return undefined;
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/users/:id',
    hidden,
    save('/console/admin/users', showUsers, 'user_updated', async (form, who, id) => {
      await updateStaffUser(deps, who.principal, id, {
        role: (STAFF_ROLES as readonly string[]).includes(form.role ?? '')
          ? (form.role as StaffRole)
          : undefined,
        active: form.active === '1',
      });
      return undefined;
    }),
  );

  // Response templates: the agency's own, or the national ones for the system administrator.
  const keeperOf = (who: { principal: Staff; sysadmin: boolean }) =>
    who.sysadmin ? null : administeredAgency(who.principal);
  const showTemplates: Show = async (request, reply, who, extra = {}, status = 200) => {
    const agencyId = keeperOf(who);
    const [templates, editing] = await Promise.all([
      listTemplates(deps.db, agencyId, { all: true }),
      request.params.id ? findTemplate(deps.db, agencyId, request.params.id) : undefined,
    ]);
    if (editing && editing.agencyId !== agencyId) throw new AppError('not_found', 'No such template');
    return sendPage(
      request,
      reply,
      renderTemplates(consoleContext(deps, request, who.language), {
        templates,
        agencyId,
        editing,
        values: extra.values ?? {},
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  app.get(
    '/console/admin/templates',
    hidden,
    admin((request, reply, who) => showTemplates(request, reply, who)),
  );
  app.get<{ Params: { id: string } }>(
    '/console/admin/templates/:id',
    hidden,
    admin((request, reply, who) => showTemplates(request, reply, who)),
  );
  const templateOf = (form: Record<string, string>) => ({
    name: form.name ?? '',
    bodyEn: form.bodyEn ?? '',
    bodySw: form.bodySw ?? '',
  });
  app.post(
    '/console/admin/templates',
    hidden,
    save('/console/admin/templates', showTemplates, 'template_saved', async (form, who) => {
      await createTemplate(deps.db, who.principal, keeperOf(who), templateOf(form), deps.now());
      return undefined;
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/templates/:id',
    hidden,
    save('/console/admin/templates', showTemplates, 'template_saved', async (form, who, id) => {
      const change = { ...templateOf(form), active: form.active === '1' };
      await updateTemplate(deps.db, who.principal, id, change, deps.now());
      return undefined;
    }),
  );

  // The agency's profile.
  const showProfile: Show = async (request, reply, who, extra = {}, status = 200) => {
    const agencyId = administeredAgency(who.principal);
    const [agency, calendars] = await Promise.all([
      deps.db
        .selectFrom('agencies')
        .select([
          'code',
          'name',
          'nameSw',
          'description',
          'url',
          'showOfficerNames',
          'casesPerOfficer',
          'calendarId',
        ])
        .where('id', '=', agencyId)
        .executeTakeFirstOrThrow(),
      listCalendars(deps.db),
    ]);
    return sendPage(
      request,
      reply,
      renderProfile(consoleContext(deps, request, who.language), {
        agency: { ...agency, code: agency.code ?? '' },
        calendars: calendars.map((c) => ({ id: c.id, name: c.name })),
        values: extra.values,
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  app.get(
    '/console/admin/profile',
    hidden,
    admin((request, reply, who) => showProfile(request, reply, who)),
  );
  app.post(
    '/console/admin/profile',
    hidden,
    save('/console/admin/profile', showProfile, 'profile_saved', async (form, who) => {
      const agencyId = administeredAgency(who.principal);
      const code = deps.reference.agencyById(agencyId)?.code;
      const perOfficer = Number(form.casesPerOfficer);
      if (!/^\d{1,4}$/.test(form.casesPerOfficer ?? '') || perOfficer < 1 || perOfficer > 1000 || !code)
        return [{ field: 'casesPerOfficer', key: '!console.admin.problems.cases_per_officer' }];
      await deps.db
        .updateTable('agencies')
        .set({ casesPerOfficer: perOfficer })
        .where('id', '=', agencyId)
        .execute();
      await setOfficerNamesShown(deps, who.principal, code, form.showOfficerNames === '1');
      if (form.calendarId) await setAgencyCalendar(deps, who.principal, code, form.calendarId);
      return undefined;
    }),
  );

  // Deadlines: every policy that may apply, the agency's own editable; triage rules to read.
  const showSla: Show = async (request, reply, who, extra = {}, status = 200) => {
    const agencyId = administeredAgency(who.principal);
    const agencyCode = deps.reference.agencyById(agencyId)?.code ?? '';
    const [policies, rules] = await Promise.all([listPolicies(deps.db), listRules(deps.db)]);
    return sendPage(
      request,
      reply,
      renderSla(consoleContext(deps, request, who.language), {
        policies: policies.filter((p) => p.agencyId === null || p.agencyId === agencyId),
        agencyPolicyId: agencyPolicyId(agencyCode),
        rules: rules
          .filter((r) => !r.actions.agency || r.actions.agency === agencyCode)
          .map((r) => ({
            name: r.name,
            enabled: r.enabled,
            keywords: r.conditions.keywords ?? [],
            priority: r.actions.priority ?? null,
            sealed: r.actions.sealed === true,
          })),
        values: extra.values,
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  const agencyPolicyId = (code: string) => `agency-${code.toLowerCase()}`;
  app.get(
    '/console/admin/sla',
    hidden,
    admin((request, reply, who) => showSla(request, reply, who)),
  );
  app.post(
    '/console/admin/sla',
    hidden,
    save('/console/admin/sla', showSla, 'sla_saved', async (form, who) => {
      const code = deps.reference.agencyById(administeredAgency(who.principal))?.code;
      const errors: FieldError[] = [];
      const clocks: Partial<Record<(typeof CLOCKS)[number], Duration>> = {};
      for (const clock of CLOCKS) {
        const amount = form[`${clock}Amount`] ?? '';
        const unit = form[`${clock}Unit`] as DurationUnit;
        if (!amount) continue;
        if (!/^\d{1,4}$/.test(amount) || Number(amount) < 1 || !DURATION_UNITS.includes(unit)) {
          errors.push({ field: `${clock}Amount`, key: '!console.admin.problems.duration' });
          continue;
        }
        clocks[clock] = { amount: Number(amount), unit };
      }
      const warn = form.warnAtPercent ? Number(form.warnAtPercent) : undefined;
      if (warn !== undefined && !(Number.isInteger(warn) && warn >= 10 && warn <= 99))
        errors.push({ field: 'warnAtPercent', key: '!console.admin.problems.warn' });
      if (errors.length > 0 || !code) return errors;
      await savePolicy(deps, who.principal, agencyPolicyId(code), {
        name: `${code}: agency deadlines`,
        agencyCode: code,
        clocks,
        ...(warn === undefined ? {} : { warnAtPercent: warn }),
      });
      return undefined;
    }),
  );

  // Triage rules: the system administrator's and the clearing house administrator's (as in the API).
  const assertRuleKeeper = (who: Who) => {
    if (!who.sysadmin && who.principal.agencyId !== deps.reference.clearingHouse.id)
      throw new AppError('forbidden', 'Only system administrators and the clearing house keep triage rules');
  };
  const showRules: Show = async (request, reply, who, extra = {}, status = 200) => {
    assertRuleKeeper(who);
    return sendPage(
      request,
      reply,
      renderRules(consoleContext(deps, request, who.language), {
        rules: await listRules(deps.db),
        agencies: onboarded(who.language),
        values: extra.values ?? {},
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  app.get(
    '/console/admin/rules',
    hidden,
    admin((request, reply, who) => showRules(request, reply, who)),
  );
  app.post(
    '/console/admin/rules',
    hidden,
    save('/console/admin/rules', showRules, 'rule_saved', async (form, who) => {
      assertRuleKeeper(who);
      const keywords = (form.keywords ?? '')
        .split(/[,\n]/)
        .map((k) => k.trim())
        .filter(Boolean)
        .slice(0, 50);
      const errors: FieldError[] = [];
      if ((form.name?.length ?? 0) < 3) errors.push({ field: 'name', key: '!console.admin.problems.name' });
      if (keywords.length === 0)
        errors.push({ field: 'keywords', key: '!console.admin.rules.problems.keywords' });
      const priority = PRIORITIES.includes(form.priority as Priority)
        ? (form.priority as Priority)
        : undefined;
      const sealed = form.sealed === '1';
      if (!form.agency && !priority && !sealed)
        errors.push({ field: 'agency', key: '!console.admin.rules.problems.action' });
      if (errors.length > 0) return errors;
      await saveRule(deps, actorOf(who.principal), `rule-${Date.now().toString(36)}`, {
        name: form.name ?? '',
        conditions: { keywords },
        actions: {
          ...(form.agency ? { agency: form.agency } : {}),
          ...(priority ? { priority } : {}),
          ...(sealed ? { sealed: true } : {}),
        },
      });
      await deps.triage.reload(deps.db);
      return undefined;
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/rules/:id',
    hidden,
    save('/console/admin/rules', showRules, 'rule_saved', async (form, who, id) => {
      assertRuleKeeper(who);
      const rule = (await listRules(deps.db)).find((r) => r.id === id);
      if (!rule) throw new AppError('not_found', 'No such rule');
      await saveRule(deps, actorOf(who.principal), rule.id, {
        name: rule.name,
        enabled: form.enabled === '1',
        position: rule.position,
        conditions: rule.conditions,
        actions: rule.actions,
      });
      await deps.triage.reload(deps.db);
      return undefined;
    }),
  );

  // The system administrator's pages.
  const showKeys = async (
    request: FastifyRequest,
    reply: FastifyReply,
    who: { principal: Staff; language: Language },
    extra: {
      values?: Record<string, string>;
      errors?: FieldError[];
      created?: { key: string; agencyCode: string };
    } = {},
    status = 200,
  ) => {
    assertSysadmin(who.principal);
    return sendPage(
      request,
      reply,
      renderKeys(consoleContext(deps, request, who.language), {
        keys: await listApiKeys(deps.db),
        agencies: onboarded(who.language),
        created: extra.created,
        values: extra.values,
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  app.get(
    '/console/admin/keys',
    hidden,
    admin((request, reply, who) => showKeys(request, reply, who)),
  );
  app.post(
    '/console/admin/keys',
    hidden,
    admin(async (request, reply, who) => {
      assertSysadmin(who.principal);
      const form = await fields(request);
      if ((form.name?.length ?? 0) < 3)
        return showKeys(
          request,
          reply,
          who,
          { values: form, errors: [{ field: 'name', key: '!console.admin.problems.name' }] },
          400,
        );
      try {
        // The key is shown on this page, this once: only its hash is kept.
        const created = await createApiKey(deps, actorOf(who.principal), {
          agencyCode: form.agencyCode ?? '',
          name: form.name ?? '',
        });
        return showKeys(request, reply, who, {
          created: { key: created.key, agencyCode: created.agencyCode },
        });
      } catch (error) {
        return showKeys(request, reply, who, { values: form, errors: problemsOf(error) }, 400);
      }
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/keys/:id/revoke',
    hidden,
    admin(async (request, reply, who) => {
      assertSysadmin(who.principal);
      await revokeApiKey(deps, actorOf(who.principal), request.params.id ?? '');
      return reply.redirect('/console/admin/keys?done=key_revoked', 303);
    }),
  );
  app.get(
    '/console/admin/health',
    hidden,
    admin(async (request, reply, who) => {
      assertSysadmin(who.principal);
      return sendPage(
        request,
        reply,
        renderHealth(consoleContext(deps, request, who.language), await systemHealth(deps.db)),
      );
    }),
  );
  app.get(
    '/console/admin/agencies',
    hidden,
    admin(async (request, reply, who) => {
      assertSysadmin(who.principal);
      const rows = await deps.db
        .selectFrom('agencies as a')
        .select((eb) => [
          'a.code',
          'a.name',
          'a.nameSw',
          'a.kind',
          'a.calendarId',
          eb
            .selectFrom('staffUsers as s')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('s.agencyId', '=', 'a.id')
            .where('s.active', '=', true)
            .as('staff'),
          eb
            .selectFrom('cases as c')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('c.agencyId', '=', 'a.id')
            .where('c.status', 'in', [...OPEN_STATUSES])
            .as('open'),
        ])
        .where('a.onboarded', '=', true)
        .orderBy('a.name')
        .execute();
      return sendPage(
        request,
        reply,
        renderAgencies(consoleContext(deps, request, who.language), {
          agencies: rows.map((r) => ({
            code: r.code ?? '',
            name: (who.language === 'sw' && r.nameSw) || r.name,
            kind: r.kind,
            staff: Number(r.staff ?? 0),
            open: Number(r.open ?? 0),
            calendarId: r.calendarId,
          })),
        }),
      );
    }),
  );
}
