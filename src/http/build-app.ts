import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { InformationSource } from '../channels/ussd/information-source.ts';
import type { Config } from '../config.ts';
import type { ReferenceCache } from '../core/agencies/reference-cache.ts';
import { type AutomaticAnswer, answerAutomatically } from '../core/knowledge/auto-answer.ts';
import type { Messenger } from '../core/messages/messenger.ts';
import type { Secrets } from '../core/security/secrets.ts';
import type { SlaService } from '../core/sla/sla-service.ts';
import type { DirectoryIndex } from '../core/triage/directory-index.ts';
import type { TriageService } from '../core/triage/triage-service.ts';
import type { Db } from '../db/open-database.ts';
import { type SubmissionWriter, submissionWriter } from '../db/queries/insert-submission.ts';
import { type PublicCaseReader, publicCaseReader } from '../db/queries/select-public-case.ts';
import { translator } from '../i18n/index.ts';
import { authGuards } from './authenticate.ts';
import { installErrorHandling, languageOf, sendError } from './handle-errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { consoleRoutes } from './routes/console.ts';
import { duplicateRoutes } from './routes/duplicates.ts';
import { emailInboundRoutes } from './routes/email-inbound.ts';
import { healthRoutes } from './routes/health.ts';
import { portalRoutes, sendNotFoundPage } from './routes/portal.ts';
import { publicCaseRoutes } from './routes/public-cases.ts';
import { referralRoutes } from './routes/referrals.ts';
import { slaRoutes } from './routes/sla.ts';
import { slaDashboardRoutes } from './routes/sla-dashboard.ts';
import { smsRoutes } from './routes/sms.ts';
import { staffCaseRoutes } from './routes/staff-cases.ts';
import { triageAdminRoutes } from './routes/triage-admin.ts';
import { ussdRoutes } from './routes/ussd.ts';
import { installValidation, refuseNulCharacters } from './validation.ts';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppDeps {
  db: Db;
  submissions: SubmissionWriter;
  cases: PublicCaseReader;
  databaseKind: string;
  config: Config;
  reference: ReferenceCache;
  secrets: Secrets;
  triage: TriageService;
  sla: SlaService;
  /** Agencies not on Baraza, for referral suggestions. */
  directory: DirectoryIndex;
  /** Messages to citizens (SMS, e-mail): queued with the change that calls for them, then delivered. */
  messenger: Messenger;
  /** Answers for the USSD menu's "Information"; the knowledge base will give them (none until then). */
  information?: InformationSource | undefined;
  /** Answers a new inquiry from the knowledge base when an article answers it confidently. */
  autoAnswer: (caseId: string) => Promise<AutomaticAnswer | null>;
  log: FastifyBaseLogger;
  now: () => Date;
  policy: { idleMinutes: number; maxHours: number; maxFailures: number; lockMinutes: number };
  reopenWindowDays: number;
  guards: ReturnType<typeof authGuards>;
}

export type AppInputs = Omit<
  AppDeps,
  'guards' | 'policy' | 'reopenWindowDays' | 'submissions' | 'cases' | 'autoAnswer' | 'log'
>;

export async function buildApp(inputs: AppInputs, options: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger
      ? { ...(options.logger === true ? {} : options.logger), serializers: { req: redactedRequest } }
      : false,
    bodyLimit: 256 * 1024,
    trustProxy: trustedHops(inputs.config.trustProxyHops),
    // Errors the router raises before any handler (a bad URL, an over-long parameter) get the
    // same error shape as every other.
    frameworkErrors: (error, request, reply) => {
      if (error.statusCode && error.statusCode >= 500) {
        return sendError(reply, 500, 'internal', translator(languageOf(request))('errors.internal'), {});
      }
      return sendError(reply, 400, 'invalid_input', translator(languageOf(request))('errors.bad_url'), {
        reason: error.code,
      });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const c = inputs.config;
  const deps: AppDeps = {
    ...inputs,
    submissions: submissionWriter(inputs.db),
    cases: publicCaseReader(inputs.db),
    policy: {
      idleMinutes: c.sessionIdleMinutes,
      maxHours: c.sessionMaxHours,
      maxFailures: c.loginMaxFailures,
      lockMinutes: c.loginLockMinutes,
    },
    reopenWindowDays: c.reopenWindowDays,
    autoAnswer: (caseId) =>
      answerAutomatically(
        { db: inputs.db, sla: inputs.sla, now: inputs.now, publicUrl: c.publicUrl },
        caseId,
      ),
    log: app.log,
    guards: undefined as unknown as ReturnType<typeof authGuards>,
  };
  deps.guards = authGuards(deps);

  installValidation(app);
  refuseNulCharacters(app);
  installErrorHandling(app, (request, reply) => sendNotFoundPage(deps, request, reply));
  // The API speaks JSON only: a text/plain body is refused as 415, not half-read as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionScope', null);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Baraza API',
        version: '1',
        description:
          'Citizen feedback for government: submit and track cases, and work them as staff. Errors are always { "error": { "code", "message", "details" } }.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'baraza_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An agency API key, bz_...' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  healthRoutes(app, deps);
  publicCaseRoutes(app, deps);
  authRoutes(app, deps, deps.guards);
  staffCaseRoutes(app, deps, deps.guards);
  adminRoutes(app, deps, deps.guards);
  triageAdminRoutes(app, deps, deps.guards);
  referralRoutes(app, deps, deps.guards);
  duplicateRoutes(app, deps, deps.guards);
  slaRoutes(app, deps, deps.guards);
  slaDashboardRoutes(app, deps, deps.guards);
  await portalRoutes(app, deps);
  await consoleRoutes(app, deps);
  await ussdRoutes(app, deps);
  await smsRoutes(app, deps);
  emailInboundRoutes(app, deps);
  await app.ready();
  return app;
}

/** Request log lines without secrets: a tracking PIN or a referral code may travel in the query string. */
function redactedRequest(request: { method: string; url: string; ip?: string }) {
  return {
    method: request.method,
    url: request.url.replace(/([?&](?:pin|token)=)[^&]*/gi, '$1***'),
    remoteAddress: request.ip,
  };
}

/** Believes the nearest `hops` proxies and no further: X-Forwarded-For beyond them is the client's say-so. */
function trustedHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
