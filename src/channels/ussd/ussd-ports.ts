import { type SubmitCaseDeps, submitCase } from '../../core/cases/submit-case.ts';
import { trackCase } from '../../core/cases/track-case.ts';
import { listCitizenCases } from '../../core/citizens/list-citizen-cases.ts';
import type { Messenger } from '../../core/messages/messenger.ts';
import type { PublicCaseReader } from '../../db/queries/select-public-case.ts';
import type { CaseStatus, Language } from '../../db/schema.ts';
import { renderSmsReply } from '../sms/sms-replies.ts';
import type { InformationSource } from './information-source.ts';
import type { MenuPorts } from './ussd-menu.ts';
import { forgetUnfinished, rememberLanguage } from './ussd-sessions.ts';

/** Everything the USSD channel needs from the application. */
export interface UssdDeps extends SubmitCaseDeps {
  cases: PublicCaseReader;
  information: InformationSource;
  /** The code callers dial, for the menu's "dial ... again" lines. */
  ussdCode: string;
  /** For the SMS that keeps the reference and PIN once the USSD screen is gone. */
  messenger: Messenger;
  publicUrl: string;
}

/** How many of the caller's cases "My recent cases" lists. */
const RECENT_CASES = 10;
/** Statuses after which nothing more is due from the agency. */
const FINISHED: ReadonlySet<CaseStatus> = new Set(['resolved', 'closed', 'withdrawn', 'merged']);

/**
 * The menu's way into the core, for one caller. The number comes from the gateway, which had it
 * from the telco: it is the caller's own, which is why "My recent cases" may list what was sent
 * from it (as the portal does after a code sent to the phone).
 */
export function menuPorts(deps: UssdDeps, caller: { phone: string; sessionId: string }): MenuPorts {
  return {
    async agencies() {
      const rows = await deps.db
        .selectFrom('agencies')
        .select(['code', 'name', 'shortName'])
        .where('onboarded', '=', true)
        .where('kind', '=', 'agency')
        .where('code', 'is not', null)
        .orderBy('name')
        .execute();
      // Only those this process can send to (an agency onboarded a moment ago waits for its reload).
      return rows
        .filter((row) => row.code !== null && deps.reference.agency(row.code))
        .map((row) => ({ code: row.code, name: row.shortName || row.name }));
    },

    async submit(draft, language) {
      // One case per session: the gateway retrying the confirming hop, or sending it twice at
      // once, gets the first case back (core/cases/submit-case.ts, idempotency).
      const sent = await submitCase(
        deps,
        {
          channel: 'ussd',
          type: draft.type,
          description: draft.description,
          agencyCode: draft.agencyCode ?? undefined,
          county: draft.county,
          language,
          citizen: { phone: caller.phone, language },
        },
        `ussd:${caller.sessionId}`,
      );
      // The END screen vanishes at the next key press: the reference and PIN also go by SMS, once
      // per case however often the hop is retried (the dedupe key), in the outbox if the gateway is
      // down. Not for a corruption report: a message about it could be read on a shared phone.
      if (sent.type === 'corruption_report') {
        return { caseId: sent.id, reference: sent.reference, resolveBy: sent.resolveBy };
      }
      const copy = await deps.messenger.queue(deps.db, {
        channel: 'sms',
        recipient: caller.phone,
        body: renderSmsReply(
          { kind: 'created', reference: sent.reference, pin: sent.pin, resolveBy: sent.resolveBy },
          language,
          { portal: deps.publicUrl },
        ),
        language,
        secret: true,
        caseId: sent.id,
        purpose: 'case_submitted',
        dedupeKey: `case_submitted:${sent.id}:sms`,
      });
      void deps.messenger.deliver(copy).catch(() => undefined);
      return { caseId: sent.id, reference: sent.reference, resolveBy: sent.resolveBy };
    },

    async track(reference, pin, language) {
      const found = await trackCase(deps, reference, pin, language);
      return {
        reference: found.reference,
        status: found.status,
        agency: found.agency.name,
        dueAt: FINISHED.has(found.status) ? null : (found.nextDueAt?.toISOString() ?? null),
      };
    },

    async recentCases(language: Language) {
      const cases = await listCitizenCases(deps, `phone:${caller.phone}`, language);
      return cases.slice(0, RECENT_CASES).map((c) => ({
        reference: c.reference,
        type: c.type,
        status: c.status,
        agency: c.agency.name,
        sealed: c.sealed,
        sentAt: c.createdAt.toISOString(),
        dueAt: FINISHED.has(c.status) ? null : (c.nextDueAt?.toISOString() ?? null),
      }));
    },

    information: deps.information,

    rememberLanguage: (language) => rememberLanguage(deps.db, caller.phone, language, deps.now()),

    forgetUnfinished: () => forgetUnfinished(deps.db, caller.phone, caller.sessionId),
  };
}
