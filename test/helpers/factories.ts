import * as OTPAuth from 'otpauth';
import type { TestContext } from './context.ts';

export interface SubmittedCase {
  reference: string;
  pin: string;
  agency: { code: string | null; name: string };
}

let counter = 0;

/** Submits a case through the public API; pass fields to override the defaults. */
export async function submitCase(
  ctx: TestContext,
  fields: Record<string, unknown> = {},
): Promise<SubmittedCase> {
  counter += 1;
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    payload: {
      type: 'complaint',
      description: `My passport application has been pending for three months (${counter})`,
      agencyCode: 'DIS',
      county: '47',
      citizen: { name: 'Wanjiku Kamau', phone: '0712345678' },
      ...fields,
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`submit failed (${response.statusCode}): ${response.body}`);
  return response.json();
}

/** Calls a staff route as the given person (their Cookie header). */
export function asStaff(
  ctx: TestContext,
  cookie: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) {
  return ctx.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
}

/**
 * Enrols the signed-in person in two-factor authentication through the real routes, as their
 * authenticator app would: afterwards their session has the full scope (administrators need this).
 */
export async function enrolTotp(ctx: TestContext, cookie: string): Promise<void> {
  const setup = await asStaff(ctx, cookie, 'POST', '/api/v1/auth/totp/setup');
  if (setup.statusCode !== 200) throw new Error(`TOTP setup failed (${setup.statusCode}): ${setup.body}`);
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.json().secret) }).generate();
  const confirm = await asStaff(ctx, cookie, 'POST', '/api/v1/auth/totp/confirm', { code });
  if (confirm.statusCode !== 200)
    throw new Error(`TOTP confirmation failed (${confirm.statusCode}): ${confirm.body}`);
}

/**
 * Plants an orphan: the case is given to an agency that is not on Baraza, as a bad script or
 * migration might leave it, for the "nothing falls through" check to find.
 */
export async function orphanCase(ctx: TestContext, reference: string): Promise<void> {
  const db = ctx.database.db;
  const stranger = await db
    .selectFrom('agencies')
    .select('id')
    .where('onboarded', '=', false)
    .limit(1)
    .executeTakeFirstOrThrow();
  await db.updateTable('cases').set({ agencyId: stranger.id }).where('reference', '=', reference).execute();
}

/**
 * A case held by the clearing house, as a misdirected one is: sent with no agency, and moved there
 * whatever triage decided, so a test does not depend on the classifier's confidence.
 */
export async function clearingHouseCase(
  ctx: TestContext,
  fields: Record<string, unknown> = {},
): Promise<SubmittedCase> {
  const submitted = await submitCase(ctx, { agencyCode: undefined, ...fields });
  await ctx.database.db
    .updateTable('cases')
    .set({ agencyId: ctx.reference.clearingHouse.id, queue: 'main' })
    .where('reference', '=', submitted.reference)
    .execute();
  return submitted;
}
