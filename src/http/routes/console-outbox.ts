import { AppError } from '../../core/errors.ts';
import { listOutbox, OUTBOX_STATUSES, type OutboxFilter, retryMessage } from '../../core/messages/outbox.ts';
import { renderOutbox } from '../../web/console/outbox-page.ts';
import type { App, AppDeps } from '../build-app.ts';
import { sendPage } from '../portal-support.ts';
import { consoleContext } from './console.ts';
import { adminForms } from './console-admin-forms.ts';

/** The system administrator's view of messages to citizens, and sending a dead letter again. */
export function consoleOutboxRoutes(app: App, deps: AppDeps): void {
  const { admin, flashOf, hidden } = adminForms(deps);
  app.get(
    '/console/admin/outbox',
    hidden,
    admin(async (request, reply, who) => {
      const query = request.query as Record<string, unknown>;
      const filter: OutboxFilter = {
        status: OUTBOX_STATUSES.find((s) => s === query.status),
        channel: query.channel === 'sms' || query.channel === 'email' ? query.channel : undefined,
      };
      return sendPage(
        request,
        reply,
        renderOutbox(consoleContext(deps, request, who.language), {
          entries: await listOutbox(deps.db, who.principal, filter),
          filter,
          flash: flashOf(request, who.language),
        }),
      );
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/console/admin/outbox/:id/retry',
    hidden,
    admin(async (request, reply, who) => {
      const id = request.params.id ?? '';
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', 'No such message');
      await retryMessage(deps, who.principal, id);
      return reply.redirect('/console/admin/outbox?status=queued&done=message_retried', 303);
    }),
  );
}
