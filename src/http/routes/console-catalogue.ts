import { DateTime } from 'luxon';
import {
  type CatalogueKind,
  listCatalogue,
  saveCatalogueEntry,
} from '../../core/agencies/manage-catalogue.ts';
import { administeredAgency } from '../../core/console/admin-access.ts';
import { AppError } from '../../core/errors.ts';
import { WEEKDAYS, type WorkingHours } from '../../core/sla/business-calendar.ts';
import {
  addClosure,
  listCalendars,
  makeOwnCalendar,
  ownCalendarId,
  removeClosure,
  saveCalendar,
} from '../../core/sla/manage-sla.ts';
import { renderCalendar, renderCatalogue } from '../../web/console/catalogue-pages.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { sendPage } from '../portal-support.ts';
import { consoleContext } from './console.ts';
import { adminForms, type Show, type Who } from './console-admin-forms.ts';

const KINDS: readonly CatalogueKind[] = ['service', 'category'];

/**
 * An agency administrator's services and categories, and the business calendar deadlines are
 * counted on: its hours, holidays and closures (the system administrator keeps every calendar).
 */
export function consoleCatalogueRoutes(app: App, deps: AppDeps): void {
  const { admin, save, flashOf, hidden } = adminForms(deps);

  // --- Services and categories: /console/admin/catalogue, one entry at …/catalogue/service.<code>
  const entryOf = (id: string) => {
    const [kind, code] = id.split('.', 2) as [CatalogueKind, string | undefined];
    return KINDS.includes(kind) && code ? { kind, code } : undefined;
  };
  const showCatalogue: Show = async (request, reply, who, extra = {}, status = 200) => {
    const entries = await listCatalogue(deps.db, administeredAgency(who.principal));
    const wanted = request.params.id ? entryOf(request.params.id) : undefined;
    const editing = wanted && entries.find((e) => e.kind === wanted.kind && e.code === wanted.code);
    if (request.params.id && !editing) throw new AppError('not_found', 'No such service or category');
    return sendPage(
      request,
      reply,
      renderCatalogue(consoleContext(deps, request, who.language), {
        entries,
        editing,
        values: extra.values ?? {},
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  const draftOf = (form: Record<string, string>, code: string, active: boolean) => ({
    code,
    name: form.name ?? '',
    nameSw: form.nameSw ?? '',
    url: form.url || undefined,
    active,
  });
  app.get(
    '/console/admin/catalogue',
    hidden,
    admin((request, reply, who) => showCatalogue(request, reply, who)),
  );
  app.get<{ Params: { id: string } }>(
    '/console/admin/catalogue/:id',
    hidden,
    admin((request, reply, who) => showCatalogue(request, reply, who)),
  );
  app.post(
    '/console/admin/catalogue',
    hidden,
    save('/console/admin/catalogue', showCatalogue, 'catalogue_saved', async (form, who) => {
      const kind = form.kind as CatalogueKind;
      if (!KINDS.includes(kind)) return [{ field: 'kind', key: '!console.admin.problems.kind' }];
      const agencyId = administeredAgency(who.principal);
      await saveCatalogueEntry(deps, who.principal, agencyId, kind, 'create', {
        ...draftOf(form, form.code ?? '', true),
        url: kind === 'service' ? form.url || undefined : undefined,
      });
      return undefined;
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/catalogue/:id',
    hidden,
    save('/console/admin/catalogue', showCatalogue, 'catalogue_saved', async (form, who, id) => {
      const entry = entryOf(id);
      if (!entry) throw new AppError('not_found', 'No such service or category');
      const agencyId = administeredAgency(who.principal);
      await saveCatalogueEntry(
        deps,
        who.principal,
        agencyId,
        entry.kind,
        'update',
        draftOf(form, entry.code, form.active === '1'),
      );
      return undefined;
    }),
  );

  // --- The business calendar: an agency administrator's agency's, or any for the system administrator.
  const agencyCodeOf = (who: Who) =>
    who.sysadmin ? null : (deps.reference.agencyById(administeredAgency(who.principal))?.code ?? null);
  const showCalendar: Show = async (request, reply, who, extra = {}, status = 200) => {
    const calendars = await listCalendars(deps.db);
    const code = agencyCodeOf(who);
    const asked = (request.query as Record<string, unknown>).id;
    const current = code
      ? calendars.find((c) => c.agencies.includes(code))
      : (calendars.find((c) => c.id === (typeof asked === 'string' ? asked : request.params.id)) ??
        calendars.find((c) => c.id === 'office-hours'));
    if (!current) throw new AppError('not_found', 'No such calendar');
    const now = deps.now();
    const keeps = who.sysadmin || (code !== null && current.id === ownCalendarId(code));
    const year = now.getUTCFullYear();
    const today = now.toISOString().slice(0, 10);
    const inAYear = `${year + 1}${today.slice(4)}`;
    const calendar = deps.sla.calendar(current.id);
    return sendPage(
      request,
      reply,
      renderCalendar(consoleContext(deps, request, who.language), {
        calendar: {
          ...current,
          workingHours: current.workingHours as WorkingHours,
        },
        closures: current.closures.filter((c) => c.endsAt > now),
        // The next twelve months.
        holidays: [
          ...calendar.holidays(year, who.language),
          ...calendar.holidays(year + 1, who.language),
        ].filter((h) => h.date >= today && h.date < inAYear),
        keeps,
        mayMakeOwn: !keeps && code !== null,
        choices: who.sysadmin ? calendars.map((c) => ({ id: c.id, name: c.name })) : null,
        values: extra.values ?? {},
        errors: extra.errors,
        flash: flashOf(request, who.language),
      }),
      status,
    );
  };
  const back = (id: string) => `/console/admin/calendar?id=${encodeURIComponent(id)}`;
  /** Refused before the form is read: a shared calendar is the system administrator's. */
  const assertKeeps = (who: Who, id: string) => {
    const code = agencyCodeOf(who);
    if (!who.sysadmin && (code === null || id !== ownCalendarId(code)))
      throw new AppError('forbidden', 'Only a system administrator may change a shared calendar');
  };
  app.get(
    '/console/admin/calendar',
    hidden,
    admin((request, reply, who) => showCalendar(request, reply, who)),
  );
  app.post(
    '/console/admin/calendar/own',
    hidden,
    save('/console/admin/calendar', showCalendar, 'calendar_own', async (_form, who) => {
      const code = agencyCodeOf(who);
      if (!code)
        throw new AppError('forbidden', 'Only an agency administrator makes their agency’s calendar');
      await makeOwnCalendar(deps, who.principal, code);
      return undefined;
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/calendar/:id/hours',
    hidden,
    admin(async (request, reply, who) => {
      const id = request.params.id ?? '';
      assertKeeps(who, id);
      return save(back(id), showCalendar, 'calendar_saved', async (form) => {
        if (!deps.sla.calendarIds.has(id)) throw new AppError('not_found', 'No such calendar');
        const current = deps.sla.calendar(id).definition;
        const { hours, errors } = readHours(form);
        if (errors.length > 0) return errors;
        try {
          await saveCalendar(deps, who.principal, {
            id,
            name: current.name,
            nameSw: current.nameSw,
            timeZone: current.timeZone,
            alwaysOpen: form.alwaysOpen === '1',
            workingHours: hours,
            holidayCountry: form.holidays === '1' ? (current.holidayCountry ?? 'KE') : null,
          });
        } catch (error) {
          // The core names days as workingHours.mon; the form's fields are hours_mon.
          if (!(error instanceof AppError && error.code === 'invalid_input')) throw error;
          const details = Array.isArray(error.details) ? error.details : [];
          return details.map((d) => ({
            field: d.field.startsWith('workingHours.') ? `hours_${d.field.slice(13)}` : 'hours_mon',
            key: '!console.admin.problems.hours',
          }));
        }
        return undefined;
      })(request, reply);
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/calendar/:id/closures',
    hidden,
    admin(async (request, reply, who) => {
      const id = request.params.id ?? '';
      assertKeeps(who, id);
      return save(back(id), showCalendar, 'closure_added', async (form, who) => {
        const zone = deps.sla.calendar(id).definition.timeZone;
        const from = DateTime.fromISO(form.from ?? '', { zone });
        const to = form.to ? DateTime.fromISO(form.to, { zone }) : from;
        const errors: FieldError[] = [];
        if (!/^\d{4}-\d{2}-\d{2}$/.test(form.from ?? '') || !from.isValid)
          errors.push({ field: 'from', key: '!console.admin.problems.date' });
        if (form.to && (!/^\d{4}-\d{2}-\d{2}$/.test(form.to) || !to.isValid))
          errors.push({ field: 'to', key: '!console.admin.problems.date' });
        else if (from.isValid && to.isValid && to < from)
          errors.push({ field: 'to', key: '!console.admin.problems.closure_order' });
        if ((form.reason?.length ?? 0) < 3)
          errors.push({ field: 'reason', key: '!console.admin.problems.reason' });
        if (errors.length > 0) return errors;
        try {
          await addClosure(deps, who.principal, id, {
            startsAt: from.startOf('day').toJSDate(),
            endsAt: to.plus({ days: 1 }).startOf('day').toJSDate(),
            reason: form.reason ?? '',
          });
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid_input')
            return [{ field: 'to', key: '!console.admin.problems.closure_length' }];
          throw error;
        }
        return undefined;
      })(request, reply);
    }),
  );
  app.post<{ Params: { id: string; closure: string } }>(
    '/console/admin/calendar/:id/closures/:closure/delete',
    hidden,
    admin(async (request, reply, who) => {
      const { closure } = request.params as { closure: string };
      if (!/^[0-9a-f-]{36}$/i.test(closure)) throw new AppError('not_found', 'No such closure');
      assertKeeps(who, request.params.id ?? '');
      await removeClosure(deps, who.principal, closure);
      return reply.redirect(`${back(request.params.id ?? '')}&done=closure_removed`, 303);
    }),
  );
}

const SPAN = /^([0-2]\d:[0-5]\d)\s*[-–]\s*([0-2]\d:[0-5]\d)$/;

/** The hours form: each day "08:00-13:00, 14:00-17:00", or empty for closed. */
function readHours(form: Record<string, string>): { hours: WorkingHours; errors: FieldError[] } {
  const hours: WorkingHours = {};
  const errors: FieldError[] = [];
  for (const day of WEEKDAYS) {
    const text = (form[`hours_${day}`] ?? '').trim();
    if (!text) continue;
    const spans: [string, string][] = [];
    for (const part of text.split(',')) {
      const match = SPAN.exec(part.trim());
      if (!match?.[1] || !match[2]) {
        errors.push({ field: `hours_${day}`, key: '!console.admin.problems.hours' });
        break;
      }
      spans.push([match[1], match[2]]);
    }
    hours[day] = spans;
  }
  return { hours, errors };
}
