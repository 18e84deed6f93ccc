import type { ReferenceCache } from '../src/core/agencies/reference-cache.ts';
import {
  Browser,
  decodeEntities,
  type Fetched,
  type FormFields,
  radioValues,
  readForm,
  setField,
  tagsOf,
} from './portal-browser.ts';
import { type OnceFigures, type PageWeight, weighOnce, weighPage } from './portal-weight.ts';

/*
 * A citizen's way through the portal over real HTTP: the home page, every step of "give feedback"
 * answered as a person would (each form posted with the fields the page gave, as a browser posts
 * it), the confirmation, the case page it links to, and the other doors. Every page is weighed.
 */

export const FEEDBACK_STEPS = 8;
const UNKNOWN = 'unknown';
const DESCRIPTION =
  'The water supply in our estate has been cut off for two weeks and nobody has come to repair the burst pipe on the main road.';

export interface Journey {
  pages: PageWeight[];
  /** What a browser fetches once, not with every page; undefined when the journey stopped early. */
  once: OnceFigures | undefined;
  /** The named case the journey sent. */
  reference: string | undefined;
  /** The about step as posted (answers, step, action=next): its answer page is the agency step. */
  aboutStep: { path: string; fields: FormFields } | undefined;
  /** The agency the journey chose, for timing the agency step's rendering. */
  agency: string | undefined;
  /** Every non-2xx answer and every step that did not come as expected, with the request behind it. */
  problems: string[];
}

export async function walkPortal(origin: string, reference: ReferenceCache): Promise<Journey> {
  const browser = new Browser(origin);
  const pages: PageWeight[] = [];
  const problems: string[] = [];
  const keep = async (name: string, page: Fetched, sent?: string) => {
    if (page.status < 200 || page.status > 299) {
      problems.push(
        `${page.method} ${page.path}${sent ? ` (${sent})` : ''} answered ${page.status}: ${gist(page.text)}`,
      );
    }
    const weight = await weighPage(browser, name, page);
    for (const s of weight.subresources.filter((s) => s.sameOrigin && (s.status < 200 || s.status > 299))) {
      problems.push(`GET ${s.url} (${s.via} on ${name}) answered ${s.status}`);
    }
    pages.push(weight);
  };
  let caseReference: string | undefined;
  let aboutStep: Journey['aboutStep'];
  let agency: string | undefined;
  try {
    const home = await browser.get('/');
    await keep('home', home);

    let page = await browser.get('/feedback');
    let sent: string | undefined;
    const seen: string[] = [];
    while (page.status < 500 && seen.length <= FEEDBACK_STEPS + 2) {
      const step = stepOf(page.text);
      if (!step) break;
      if (seen.includes(step)) {
        problems.push(`the ${step} step came again after ${sent ?? 'GET /feedback'}: ${gist(page.text)}`);
        break;
      }
      seen.push(step);
      await keep(`feedback ${seen.length}/${FEEDBACK_STEPS}: ${step}`, page, sent);
      const form = readForm(page.text, 'step');
      const wanted = step === 'check' ? 'send' : 'next';
      const button = form.buttons.find((b) => b.name === 'action' && b.value === wanted);
      if (!button) {
        problems.push(`the ${step} step has no button action=${wanted}`);
        break;
      }
      const answered: FormFields = [
        ...answer(step, form.fields, page.text, reference),
        [button.name, button.value],
      ];
      if (step === 'about') aboutStep = { path: button.action, fields: answered };
      if (step === 'agency') agency = answered.find(([n]) => n === 'agency')?.[1];
      sent = `step=${step}, action=${wanted}${button.multipart ? ', multipart' : ''}`;
      page = await browser.post(button.action, answered, button.multipart);
    }
    if (seen.length !== FEEDBACK_STEPS) {
      problems.push(
        `the feedback form showed ${seen.length} steps (${seen.join(', ')}), not ${FEEDBACK_STEPS}`,
      );
    }
    await keep('confirmation', page, sent);
    const trackPath = tagsOf(page.text, ['a'])
      .map((a) => a.attributes.get('href') ?? '')
      .find((href) => /^\/track\/\w+$/.test(href));
    if (!browser.cookie('baraza_proof'))
      problems.push(`the confirmation (${page.method} ${page.path}, ${sent}) set no baraza_proof cookie`);

    await keep('track form', await browser.get('/track'));
    if (trackPath) {
      caseReference = trackPath.slice('/track/'.length);
      await keep('case page, PIN proven (cookie)', await browser.get(trackPath));
      await keep('case page, reference only', await browser.get(trackPath, { cookies: false }));
    } else {
      problems.push('the confirmation links to no /track/<reference> page');
    }
    await keep('my cases: sign in', await browser.get('/my-cases'));
    await keep('info', await browser.get('/info'));
    await keep('offline', await browser.get('/offline'));
    const manifest = tagsOf(home.text, ['link']).find((l) =>
      (l.attributes.get('rel') ?? '').split(/\s+/).includes('manifest'),
    );
    const once = await weighOnce(browser, manifest?.attributes.get('href') ?? '/manifest.webmanifest');
    return { pages, once, reference: caseReference, aboutStep, agency, problems };
  } finally {
    browser.close();
  }
}

/** The step a feedback page asks, from its hidden `step` field. */
function stepOf(markup: string): string | undefined {
  return tagsOf(markup, ['input'])
    .find((t) => t.attributes.get('type') === 'hidden' && t.attributes.get('name') === 'step')
    ?.attributes.get('value');
}

/** A citizen's answer to each step, on top of what the page's form already holds (no button yet). */
function answer(step: string, fields: FormFields, markup: string, reference: ReferenceCache): FormFields {
  const current = (name: string) => fields.find(([n]) => n === name)?.[1];
  const withServices = (code: string) => {
    const agency = code === UNKNOWN ? undefined : reference.agency(code);
    return Boolean(agency && reference.servicesOf(agency.id).length > 0);
  };
  let answered = fields;
  switch (step) {
    case 'kind':
      answered = setField(fields, 'kind', 'complaint');
      break;
    case 'about':
      answered = setField(fields, 'text', DESCRIPTION);
      break;
    case 'agency': {
      // Triage's guess when it has services (so the service step is asked too), else the first that has.
      const guess = current('agency');
      const choice = guess && withServices(guess) ? guess : radioValues(markup, 'agency').find(withServices);
      answered = setField(fields, 'agency', choice ?? UNKNOWN);
      break;
    }
    case 'service':
      answered = setField(
        fields,
        'service',
        current('service') ?? radioValues(markup, 'service').find((v) => v !== UNKNOWN) ?? UNKNOWN,
      );
      break;
    case 'where': {
      const county = tagsOf(markup, ['option'])
        .map((o) => o.attributes.get('value') ?? '')
        .find((v) => v !== '' && v !== 'none');
      answered = setField(fields, 'county', county ?? 'none');
      break;
    }
    case 'contact':
      answered = setField(
        setField(setField(fields, 'contact', 'phone'), 'phone', '0712 345 678'),
        'name',
        'Amina Wanjiru',
      );
      break;
    default:
      break;
  }
  return answered;
}

/** The heading and first message of a page (an error summary's first item), to say what went wrong in a line. */
function gist(markup: string): string {
  const strip = (fragment: string) =>
    decodeEntities(fragment.replace(/<[^>]+>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(markup)?.[1] ?? markup;
  const heading = strip(/<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(main)?.[1] ?? '');
  const detail = strip(/<(li|p)\b[^>]*>([\s\S]*?)<\/\1>/i.exec(main)?.[2] ?? '');
  return [heading, detail].filter(Boolean).join(' / ').slice(0, 300) || strip(markup).slice(0, 200);
}
