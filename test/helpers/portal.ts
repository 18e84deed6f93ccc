import type { TestContext } from './context.ts';

export interface PageResponse {
  statusCode: number;
  body: string;
  cookies: { name: string; value: string }[];
}

/** The hidden inputs of a page's step form: what a browser would post back. */
export function hiddenInputs(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const match of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const [name, value] = [match[1] as string, decode(match[2] as string)];
    const existing = fields[name];
    fields[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return fields;
}

const decode = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

export function formBody(fields: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value ?? []].flat()) params.append(name, v);
  }
  return params.toString();
}

export async function postForm(
  ctx: TestContext,
  url: string,
  fields: Record<string, string | string[] | undefined>,
  cookie?: string,
): Promise<PageResponse> {
  const response = await ctx.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    payload: formBody(fields),
  });
  return { statusCode: response.statusCode, body: response.body, cookies: response.cookies };
}

/** Posts a step as the browser would: the page's hidden answers plus what the citizen chose. */
export function answer(
  ctx: TestContext,
  page: PageResponse,
  choices: Record<string, string>,
  cookie?: string,
) {
  // Where the browser would post: "Send" has its own address (the button's formaction), other
  // buttons the form's action.
  const url =
    choices.action === 'send'
      ? '/feedback/send'
      : (/<form method="post" action="([^"]+)" id="step"/.exec(page.body)?.[1] ?? '/feedback');
  return postForm(ctx, url, { ...hiddenInputs(page.body), action: 'next', ...choices }, cookie);
}

export const titleOf = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '';

/** Walks every step of "give feedback" with these answers and sends it; returns each page. */
export async function giveFeedback(
  ctx: TestContext,
  answers: {
    kind: string;
    text: string;
    agency: string;
    service?: string;
    county: string;
    contact: Record<string, string>;
  },
  cookie?: string,
): Promise<{
  pages: PageResponse[];
  sent: PageResponse;
  reference: string;
  pin: string | undefined;
  proofCookie: string;
}> {
  const pages: PageResponse[] = [];
  const start = await ctx.app.inject({ method: 'GET', url: '/feedback', headers: cookie ? { cookie } : {} });
  let page: PageResponse = { statusCode: start.statusCode, body: start.body, cookies: start.cookies };
  pages.push(page);
  const steps: Record<string, string>[] = [
    { kind: answers.kind },
    { text: answers.text },
    { agency: answers.agency },
  ];
  for (const choices of steps) {
    page = await answer(ctx, page, choices, cookie);
    pages.push(page);
  }
  if (/name="service"/.test(page.body) && !/type="hidden" name="service"/.test(page.body)) {
    page = await answer(ctx, page, { service: answers.service ?? 'unknown' }, cookie);
    pages.push(page);
  }
  for (const choices of [{ county: answers.county }, {}, answers.contact]) {
    page = await answer(ctx, page, choices, cookie);
    pages.push(page);
  }
  const sent = await answer(ctx, page, { action: 'send' }, cookie);
  const reference = /href="\/track\/(\d{11})"/.exec(sent.body)?.[1];
  if (!reference)
    throw new Error(`no reference on the confirmation (${sent.statusCode}): ${sent.body.slice(0, 2000)}`);
  const pin =
    /PIN<strong>(\d{6})<\/strong>/.exec(sent.body)?.[1] ??
    /PIN yako<strong>(\d{6})<\/strong>/.exec(sent.body)?.[1];
  const proof = sent.cookies.find((c) => c.name === 'baraza_proof');
  return { pages, sent, reference, pin, proofCookie: proof ? `baraza_proof=${proof.value}` : '' };
}
