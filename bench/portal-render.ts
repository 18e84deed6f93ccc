import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Config } from '../src/config.ts';
import { trackCase } from '../src/core/cases/track-case.ts';
import { publicCaseReader } from '../src/db/queries/select-public-case.ts';
import type { Started } from '../src/start.ts';
import { readDraft } from '../src/web/portal/feedback-flow.ts';
import { renderStep } from '../src/web/portal/feedback-pages.ts';
import { renderHome } from '../src/web/portal/home-pages.ts';
import type { PortalContext } from '../src/web/portal/layout.ts';
import { renderCase } from '../src/web/portal/track-pages.ts';
import type { Journey } from './portal-journey.ts';

/*
 * The portal's page functions alone, for `npm run bench`: what rendering a page costs without the
 * route, the database or any load, each call timed with process.hrtime.
 */

export const RENDER_CALLS = 10_000;

export interface RenderTiming {
  name: string;
  calls: number;
  htmlBytes: number;
  gzipBytes: number;
  renderP50Us: number;
  renderP99Us: number;
  /** The render and gzip at level 6, which is what sendPage adds to the handler's own work. */
  withGzipP50Us: number;
  withGzipP99Us: number;
}

/** A histogram of nanoseconds, in whole microseconds. */
export const micros = (h: RecordableHistogram) => ({
  p50Us: h.count ? Math.round(h.percentile(50) / 1000) : 0,
  p99Us: h.count ? Math.round(h.percentile(99) / 1000) : 0,
  maxUs: h.count ? Math.round(h.max / 1000) : 0,
});

/** The render functions alone, as the routes call them, in this process with no load running. */
export async function timeRenders(
  started: Started,
  config: Pick<Config, 'portal' | 'reopenWindowDays'>,
  journey: Journey,
): Promise<RenderTiming[]> {
  const ctx = (path: string): PortalContext => ({
    language: 'en',
    path,
    signedIn: null,
    ussdCode: config.portal.ussdCode,
    smsNumber: config.portal.smsNumber,
  });
  const reference = started.reference;
  const pages: { name: string; render: () => string }[] = [
    { name: 'home (renderHome)', render: () => renderHome(ctx('/')) },
  ];
  const firstDraft = readDraft({});
  pages.push({
    name: 'feedback, kind step (renderStep)',
    render: () => renderStep(ctx('/feedback'), { step: 'kind', draft: firstDraft, errors: [], reference }),
  });
  if (journey.aboutStep) {
    const draft = readDraft(Object.fromEntries(journey.aboutStep.fields));
    const suggestion = { agency: journey.agency ?? 'unknown' };
    pages.push({
      name: 'feedback, agency step (renderStep)',
      render: () =>
        renderStep(ctx('/feedback'), { step: 'agency', draft, errors: [], reference, suggestion }),
    });
  }
  if (journey.reference) {
    const db = started.database.db;
    const deps = {
      cases: publicCaseReader(db),
      secrets: started.secrets,
      reference,
      db,
      now: () => new Date(),
    };
    const kase = await trackCase(deps, journey.reference, undefined, 'en');
    const reopenUntil = new Date(
      (kase.resolvedAt ?? kase.updatedAt).getTime() + config.reopenWindowDays * 86_400_000,
    );
    const path = `/track/${journey.reference}`;
    pages.push({
      name: 'case page, reference only (renderCase)',
      render: () => renderCase(ctx(path), { kase, canAct: false, uploads: [], reopenUntil, now: new Date() }),
    });
  }
  return pages.map(({ name, render }) => {
    const html = render();
    const time = (work: () => unknown) => {
      for (let i = 0; i < 1000; i++) work();
      const histogram = createHistogram();
      for (let i = 0; i < RENDER_CALLS; i++) {
        const start = process.hrtime.bigint();
        work();
        histogram.record(process.hrtime.bigint() - start || 1n);
      }
      return micros(histogram);
    };
    const alone = time(render);
    const withGzip = time(() => gzipSync(render(), { level: 6 }));
    return {
      name,
      calls: RENDER_CALLS,
      htmlBytes: Buffer.byteLength(html),
      gzipBytes: gzipSync(html, { level: 6 }).length,
      renderP50Us: alone.p50Us,
      renderP99Us: alone.p99Us,
      withGzipP50Us: withGzip.p50Us,
      withGzipP99Us: withGzip.p99Us,
    };
  });
}
