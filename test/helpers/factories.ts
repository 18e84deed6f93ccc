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
