import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadJob, LoadResult, Target } from './load-job.ts';
import { inboundSmsBody } from './sms-messages.ts';
import { submissionBody } from './submissions.ts';

/*
 * The load generator, in a process of its own (forked by run-load.ts) so that building requests
 * and parsing responses never runs on the server's event loop. It takes one job, answers with
 * the result and exits.
 */

async function fire(job: LoadJob): Promise<LoadResult> {
  const { target } = job;
  if (target.kind === 'ussd' && job.thinkSeconds) return pacedSessions(job, target, job.thinkSeconds);
  const requests: autocannon.Request[] = target.kind === 'ussd' ? ussdSession(target) : [oneRequest(target)];
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: target.url,
    connections: job.connections,
    ...(job.amount ? { amount: job.amount } : { duration: job.durationSeconds ?? 10 }),
    requests,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
  }
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    durationSeconds: result.duration,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function oneRequest(target: Exclude<Target, { kind: 'ussd' }>): autocannon.Request {
  return target.kind === 'submit'
    ? {
        method: 'POST',
        path: target.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: submissionBody() }),
      }
    : target.kind === 'sms'
      ? {
          method: 'POST',
          path: target.path,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          setupRequest: (req) => ({ ...req, body: inboundSmsBody() }),
        }
      : target.kind === 'read'
        ? {
            method: 'GET',
            setupRequest: (req) => ({
              ...req,
              path: target.pathPrefix + target.keys[randomInt(target.keys.length)],
            }),
          }
        : {
            method: target.method,
            path: target.path,
            headers: target.headers,
            ...(target.body === undefined ? {} : { body: target.body }),
          };
}

/**
 * One session's hops, in order; autocannon keeps a context per connection, in which the first hop
 * starts a session with a new id and a new caller (071x numbers, all valid Safaricom ones).
 */
function ussdSession(target: Extract<Target, { kind: 'ussd' }>): autocannon.Request[] {
  return Array.from({ length: target.inputs.length + 1 }, (_, hop) => ({
    method: 'POST' as const,
    path: target.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    setupRequest: (request: autocannon.Request, context: object) => {
      const session = context as { sessionId?: string; phone?: string };
      if (hop === 0 || !session.sessionId) {
        session.sessionId = `ATUid_${randomBytes(16).toString('hex')}`;
        session.phone = `+25471${String(randomInt(10_000_000)).padStart(7, '0')}`;
      }
      const body = new URLSearchParams({
        sessionId: session.sessionId,
        serviceCode: '*384*2020#',
        phoneNumber: session.phone ?? '',
        networkCode: '63902',
        text: target.inputs.slice(0, hop).join('*'),
      });
      return { ...request, body: body.toString() };
    },
  }));
}

/**
 * `job.connections` callers, each dialling a session, waiting for every screen and thinking before
 * the next hop (`thinkSeconds` on average, at random from half to one and a half times it), then
 * dialling again, until the duration is up. The first hops are spread over one think time, as
 * callers are over a minute. autocannon cannot wait between one connection's requests at random,
 * and its fixed rate sends every connection's request in the same instant, a burst no crowd of
 * callers makes; so this loop, with its own timings, to the hundredth of a millisecond.
 */
async function pacedSessions(
  job: LoadJob,
  target: Extract<Target, { kind: 'ussd' }>,
  thinkSeconds: number,
): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + (job.durationSeconds ?? 10) * 1000;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const think = () => pause(thinkSeconds * 1000 * (0.5 + Math.random()));
  const caller = async () => {
    await pause(Math.random() * thinkSeconds * 1000);
    while (performance.now() < deadline) {
      const sessionId = `ATUid_${randomBytes(16).toString('hex')}`;
      const phone = `+25471${String(randomInt(10_000_000)).padStart(7, '0')}`;
      for (let hop = 0; hop <= target.inputs.length && performance.now() < deadline; hop++) {
        const body = new URLSearchParams({
          sessionId,
          serviceCode: '*384*2020#',
          phoneNumber: phone,
          networkCode: '63902',
          text: target.inputs.slice(0, hop).join('*'),
        }).toString();
        const sent = performance.now();
        try {
          const response = await fetch(target.url + target.path, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          });
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
        } catch {
          errors += 1;
        }
        await think();
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, caller));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const cpu = process.cpuUsage(cpuBefore);
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    requests: latencies.length,
    requestsPerSecond: latencies.length / seconds,
    latencyP50Ms: Math.round(at(0.5) * 100) / 100,
    latencyP99Ms: Math.round(at(0.99) * 100) / 100,
    errors,
    timeouts: 0,
    non2xx: latencies.length - ok,
    statusCodes,
    durationSeconds: seconds,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

// Without its parent there is nobody to report to: stop, rather than load a server that is gone.
process.once('disconnect', () => process.exit(0));
process.once('message', (job: LoadJob) => {
  fire(job).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error('load generator failed:', error);
      process.exit(1);
    },
  );
});
