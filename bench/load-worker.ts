import { randomBytes, randomInt } from 'node:crypto';
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
