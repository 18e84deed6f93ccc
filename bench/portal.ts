import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import type { Config } from '../src/config.ts';
import type { Started } from '../src/start.ts';
import type { BenchSettings } from './bench-settings.ts';
import type { Target } from './load-job.ts';
import { measureScenario } from './measure-scenario.ts';
import { type Journey, walkPortal } from './portal-journey.ts';
import { micros, RENDER_CALLS, type RenderTiming, timeRenders } from './portal-render.ts';
import { BUDGET_BYTES, type OnceFigures, type PageWeight } from './portal-weight.ts';
import type { ScenarioResult } from './report.ts';

/*
 * The citizen portal for `npm run bench` (issue 5), on a Baraza already listening:
 * - weight: a citizen's way through the portal over HTTP (portal-journey.ts); for each page the
 *   requests a first visit makes and the bytes they carry, gzip asked for, against 60 KB, and
 *   whether every one stays on the origin;
 * - load: four pages under the settings' connections, with autocannon's latency and, in the
 *   server, the time from Node's 'request' event to the response's 'finish'; each page's
 *   requests/s as a share of the baseline select's (bare Fastify + pg) measured in the same run;
 * - rendering: the page functions alone, in process and without load, 10,000 calls each.
 */

export interface PortalScenario extends ScenarioResult {
  /** In the server process: Node's 'request' event to the response's 'finish', measured requests only. */
  server: { requests: number; p50Us: number; p99Us: number; maxUs: number };
  /** Requests per second as a share of the baseline select's; null without a baseline. */
  ofBaseline: number | null;
}

export interface PortalFigures {
  budgetBytes: number;
  pages: PageWeight[];
  once: OnceFigures | null;
  /** The bare Fastify + pg primary-key SELECT of the same run, the yardstick for `load`. */
  baseline: ScenarioResult | null;
  load: PortalScenario[];
  render: RenderTiming[];
  /** Lines the server logged at level error during the section (BENCH_ONLY=portal logs them). */
  serverErrors: string[];
  failures: string[];
}

const BROWSER_HEADERS = { accept: 'text/html', 'accept-encoding': 'gzip', 'accept-language': 'en' };

export async function benchPortal(
  started: Started,
  config: Pick<Config, 'portal' | 'reopenWindowDays'>,
  url: string,
  settings: BenchSettings,
  baseline: ScenarioResult | null,
  serverLog: string[] = [],
): Promise<PortalFigures> {
  const failures: string[] = [];
  console.log('portal: walking the citizen journey and weighing each page...');
  let journey: Journey;
  try {
    journey = await walkPortal(url, started.reference);
  } catch (error) {
    failures.push(`portal journey stopped: ${(error as Error).stack ?? String(error)}`);
    journey = {
      pages: [],
      once: undefined,
      reference: undefined,
      aboutStep: undefined,
      agency: undefined,
      problems: [],
    };
  }
  failures.push(...journey.problems.map((p) => `portal: ${p}`));
  for (const page of journey.pages.filter((p) => !p.sameOrigin)) {
    failures.push(
      `portal: ${page.name} loads from another origin: ${page.subresources
        .filter((s) => !s.sameOrigin)
        .map((s) => s.url)
        .join(', ')}`,
    );
  }

  const scenarios: { name: string; description: string; target: Target }[] = [
    {
      name: 'portal home',
      description: 'GET /',
      target: { kind: 'page', url, method: 'GET', path: '/', headers: BROWSER_HEADERS },
    },
    {
      name: 'portal feedback',
      description: 'GET /feedback (first step)',
      target: { kind: 'page', url, method: 'GET', path: '/feedback', headers: BROWSER_HEADERS },
    },
  ];
  if (journey.aboutStep) {
    const { path, fields } = journey.aboutStep;
    scenarios.push({
      name: 'portal agency step',
      description: `POST ${path} step=about action=next: the answer is the agency step, with triage's suggestion`,
      target: {
        kind: 'page',
        url,
        method: 'POST',
        path,
        headers: {
          ...BROWSER_HEADERS,
          'content-type': 'application/x-www-form-urlencoded',
          origin: url,
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams(fields).toString(),
      },
    });
  } else failures.push('portal agency step: not measured, the journey did not reach the about step');
  if (journey.reference) {
    scenarios.push({
      name: 'portal case page',
      description: `GET /track/{reference} of a named case, without cookies`,
      target: {
        kind: 'page',
        url,
        method: 'GET',
        path: `/track/${journey.reference}`,
        headers: BROWSER_HEADERS,
      },
    });
  } else failures.push('portal case page: not measured, the journey sent no case');

  const timer = serverTimer(started.app.server);
  const load: PortalScenario[] = [];
  try {
    for (const scenario of scenarios) {
      const result = await measureScenario(settings, scenario, failures, () => timer.start());
      const ofBaseline = baseline ? result.requestsPerSecond / baseline.requestsPerSecond : null;
      load.push({ ...result, server: timer.stop(), ofBaseline });
    }
  } finally {
    timer.remove();
  }

  console.log(`portal: timing the page functions, ${RENDER_CALLS} calls each...`);
  const render = await timeRenders(started, config, journey);
  return {
    budgetBytes: BUDGET_BYTES,
    pages: journey.pages,
    once: journey.once ?? null,
    baseline,
    load,
    render,
    serverErrors: [...serverLog],
    failures: [...failures, ...serverLog.map((line) => `portal: the server logged ${line.trim()}`)],
  };
}

/**
 * Times requests inside the server without touching the app (it is ready, so no Fastify hook can be
 * added): a listener put before Fastify's own on the server's 'request' event, and the response's
 * 'finish', when the last byte has been handed to the operating system.
 */
export function serverTimer(server: Server) {
  const histogram = createHistogram();
  let on = false;
  const listener = (_request: IncomingMessage, response: ServerResponse) => {
    if (!on) return;
    const start = process.hrtime.bigint();
    response.once('finish', () => histogram.record(process.hrtime.bigint() - start || 1n));
  };
  server.prependListener('request', listener);
  return {
    start() {
      histogram.reset();
      on = true;
    },
    stop() {
      on = false;
      return { requests: histogram.count, ...micros(histogram) };
    },
    remove() {
      server.removeListener('request', listener);
    },
  };
}

export function formatPortal(f: PortalFigures): string {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const ms = (value: number) => (value < 1 ? '<1' : value.toFixed(0));
  const weights = table(
    [
      'page',
      'requests',
      'HTML KB',
      'total KB',
      'repeat KB',
      'headers KB',
      'same-origin',
      `<= ${kb(f.budgetBytes)} KB`,
    ],
    f.pages.map((p) => [
      `${p.name}${p.status >= 200 && p.status < 300 ? '' : ` (${p.status})`}`,
      String(p.requests),
      kb(p.htmlBytes),
      kb(p.bytes),
      kb(p.repeatVisitBytes),
      kb(p.headerBytes),
      p.sameOrigin ? 'yes' : 'NO',
      p.verdict,
    ]),
  );
  const loads = table(
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server p50 ms',
      'server p99 ms',
      '÷ baseline',
      'requests',
      'errors',
      'non-2xx',
    ],
    [...(f.baseline ? [{ ...f.baseline, server: undefined, ofBaseline: 1 }] : []), ...f.load].map((s) => [
      s.name,
      s.requestsPerSecond.toFixed(0),
      ms(s.latencyP50Ms),
      ms(s.latencyP99Ms),
      s.server ? (s.server.p50Us / 1000).toFixed(2) : '-',
      s.server ? (s.server.p99Us / 1000).toFixed(2) : '-',
      s.ofBaseline === null ? '-' : s.ofBaseline.toFixed(2),
      String(s.requests),
      String(s.errors),
      String(s.non2xx),
    ]),
  );
  const renders = table(
    ['page function', 'HTML bytes', 'gzip bytes', 'render p50 µs', 'p99 µs', 'render+gzip p50 µs', 'p99 µs'],
    f.render.map((r) => [
      r.name,
      String(r.htmlBytes),
      String(r.gzipBytes),
      String(r.renderP50Us),
      String(r.renderP99Us),
      String(r.withGzipP50Us),
      String(r.withGzipP99Us),
    ]),
  );
  const once = f.once
    ? [
        `once per browser, not with each page: the manifest's icons ${f.once.manifestIcons.requests} requests, ` +
          `${kb(f.once.manifestIcons.bytes)} KB; the service worker (/sw.js and the ${f.once.serviceWorker.requests - 1} ` +
          `URLs it precaches) ${f.once.serviceWorker.requests} requests, ${kb(f.once.serviceWorker.bytes)} KB; ` +
          `same-origin: ${f.once.manifestIcons.sameOrigin && f.once.serviceWorker.sameOrigin ? 'yes' : 'NO'}`,
      ]
    : [];
  const offOrigin = [...new Set(f.pages.flatMap((p) => p.offOriginLinks))];
  return [
    'portal page weight: a first visit with nothing cached, gzip asked for; KB = 1,024 bytes of bodies as sent',
    '(repeat: what still travels once the cacheable subresources are cached; headers: on top of total)',
    weights,
    ...once,
    `links and form targets off the origin: ${offOrigin.length ? offOrigin.join(', ') : 'none'}`,
    '',
    'portal under load (p50/p99: autocannon, whole ms; server: request event to response finish, in the server process;',
    '÷ baseline: requests/s as a share of the bare Fastify + pg primary-key SELECT of this run):',
    loads,
    '',
    `portal page functions in process, no load (${RENDER_CALLS.toLocaleString('en')} calls each after 1,000 to warm up):`,
    renders,
  ].join('\n');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
