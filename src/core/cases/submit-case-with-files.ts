import { attachUploads, findUploads } from '../attachments/attach-uploads.ts';
import { AppError } from '../errors.ts';
import type { Messenger } from '../messages/messenger.ts';
import {
  findByIdempotencyKey,
  type SubmitCaseDeps,
  type SubmitCaseInput,
  type SubmittedCase,
  submitCase,
} from './submit-case.ts';

export interface CaseCopy {
  /** Where the citizen asked to be reached: a copy of the confirmation goes there. */
  channel: 'sms' | 'email';
  recipient: string;
  subject?: string;
  /** Built from the submitted case: it needs the reference and the deadline. */
  body: (submitted: SubmittedCase) => string;
}

/**
 * A submission from the portal: the case with the files the form holds, and a copy of the
 * confirmation by SMS or e-mail. The idempotency key makes every part of it safe to repeat: a
 * retried submission finds the same case, attaches the same files to it, and queues no second copy.
 * The key names one draft: a draft changed after it was sent (another tab, the back button) answers
 * with the case already made, flagged `changedAfterSending`, and changes nothing.
 */
export async function submitCaseWithFiles(
  deps: SubmitCaseDeps & { messenger: Messenger },
  input: SubmitCaseInput,
  options: { idempotencyKey: string; uploadHandles: readonly string[]; copy?: CaseCopy | undefined },
): Promise<{ submitted: SubmittedCase; copyQueued: boolean; changedAfterSending: boolean }> {
  const uploads = await findUploads(deps.db, options.uploadHandles);
  let submitted: SubmittedCase;
  try {
    submitted = await submitCase(
      deps,
      { ...input, attachments: uploads.map(({ name, contentType, size }) => ({ name, contentType, size })) },
      options.idempotencyKey,
    );
  } catch (error) {
    const earlier =
      error instanceof AppError && error.code === 'conflict'
        ? await findByIdempotencyKey(deps, options.idempotencyKey, null)
        : undefined;
    if (!earlier) throw error;
    // Had the first sending stopped before its files were attached, they are attached now: the
    // files the case lists, from those the draft still holds.
    const listed = await deps.db
      .selectFrom('cases')
      .select('attachments')
      .where('id', '=', earlier.id)
      .executeTakeFirstOrThrow();
    const names = new Set(listed.attachments.map((a) => a.name));
    await attachUploads(
      deps.db,
      uploads.filter((u) => names.has(u.name)),
      { caseId: earlier.id, eventSeq: 1 },
      deps.now(),
    );
    return { submitted: earlier, copyQueued: false, changedAfterSending: true };
  }
  const now = deps.now();
  // The files belong to the submission event, the case's first.
  await attachUploads(deps.db, uploads, { caseId: submitted.id, eventSeq: 1 }, now);
  if (!options.copy) return { submitted, copyQueued: false, changedAfterSending: false };
  const id = await deps.messenger.queue(deps.db, {
    channel: options.copy.channel,
    recipient: options.copy.recipient,
    subject: options.copy.subject,
    body: options.copy.body(submitted),
    caseId: submitted.id,
    purpose: 'case_submitted',
    // It carries the PIN.
    secret: true,
    dedupeKey: `case_submitted:${submitted.id}:${options.copy.channel}`,
  });
  // Sent now when the provider answers; otherwise the outbox sweep retries it.
  void deps.messenger.deliver(id).catch(() => undefined);
  return { submitted, copyQueued: true, changedAfterSending: false };
}
