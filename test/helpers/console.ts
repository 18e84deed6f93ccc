import type { TestContext } from './context.ts';
import { formBody } from './portal.ts';

/**
 * GET a console page and POST a console form as a signed-in person (their session cookie), on the
 * context the test file has once its `before` ran.
 */
export function consoleClient(context: () => TestContext) {
  return {
    page: (url: string, cookie: string) => context().app.inject({ url, headers: { cookie } }),
    post: (url: string, fields: Record<string, string | string[]>, cookie = '') =>
      context().app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        payload: formBody(fields),
      }),
  };
}
