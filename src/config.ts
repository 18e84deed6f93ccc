import path from 'node:path';

/** Everything Baraza reads from the environment, parsed once. No other file reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL server; when absent Baraza runs on embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** Load demo data on the first start of an empty database. */
  seedDemo: boolean;
  demoCases: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  reopenWindowDays: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Requests per minute per client address; off (false) when 0. */
  rateLimits: { submit: RateLimit; track: RateLimit; login: RateLimit };
  /**
   * How many reverse proxies stand in front (0: none). Fastify then takes the client address that
   * many hops back in X-Forwarded-For; trusting every hop would let clients choose their address
   * and dodge rate limits.
   */
  trustProxyHops: number;
  /** Outgoing e-mail (referral letters); no e-mail is sent when smtpUrl is absent. */
  mail: { smtpUrl: string | undefined; from: string };
  /** Where people outside reach Baraza, for links in letters and e-mails; no trailing slash. */
  publicUrl: string;
  /**
   * Run the background workers (SLA sweeps, escalations, the invariant check) inside `npm start`.
   * Larger deployments turn this off and run `npm run worker` processes instead.
   */
  workers: boolean;
  /** Which gateway sends SMS; `local` keeps them in memory (development and tests). */
  sms: { provider: SmsProviderName };
  /** How citizens reach Baraza from a phone, shown on the portal's pages. */
  portal: { ussdCode: string; smsNumber: string };
}

export const SMS_PROVIDERS = ['local'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

export type RateLimit = { max: number; timeWindow: number } | false;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Baraza cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`,
    );
  }

  const smtpUrl = env.BARAZA_SMTP_URL?.trim() || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) {
    // Not echoed: the URL may carry the mail server's password.
    problems.push('BARAZA_SMTP_URL must look like smtp://host:port or smtps://user:password@host');
  }
  const publicUrl = (env.BARAZA_PUBLIC_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(publicUrl)) {
    problems.push(`BARAZA_PUBLIC_URL must start with http:// or https:// (got "${publicUrl}")`);
  }

  const smsProvider = env.BARAZA_SMS_PROVIDER?.trim() || 'local';
  if (!(SMS_PROVIDERS as readonly string[]).includes(smsProvider)) {
    problems.push(`BARAZA_SMS_PROVIDER must be one of ${SMS_PROVIDERS.join(', ')} (got "${smsProvider}")`);
  }
  const ussdCode = env.BARAZA_USSD_CODE?.trim() || '*384*2020#';
  if (!/^\*\d+(\*\d+)*#$/.test(ussdCode)) {
    problems.push(
      `BARAZA_USSD_CODE must look like *384*2020# (a star, digits and stars, a hash; got "${ussdCode}")`,
    );
  }
  const smsNumber = env.BARAZA_SMS_NUMBER?.trim() || '20202';
  if (!/^\d{3,15}$/.test(smsNumber)) {
    problems.push(`BARAZA_SMS_NUMBER must be 3 to 15 digits, like 20202 (got "${smsNumber}")`);
  }

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.BARAZA_DATA_DIR || 'data'),
    logLevel,
    seedDemo: bool('BARAZA_SEED_DEMO', true),
    workers: bool('BARAZA_WORKERS', true),
    demoCases: int('BARAZA_DEMO_CASES', 2000, 0, 10_000_000),
    sessionIdleMinutes: int('BARAZA_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: int('BARAZA_SESSION_MAX_HOURS', 12, 1, 24 * 30),
    reopenWindowDays: int('BARAZA_REOPEN_WINDOW_DAYS', 30, 1, 365),
    loginMaxFailures: int('BARAZA_LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockMinutes: int('BARAZA_LOGIN_LOCK_MINUTES', 15, 1, 24 * 60),
    rateLimits: {
      submit: perMinute(int('BARAZA_RATE_SUBMIT_PER_MINUTE', 30, 0, 1_000_000)),
      track: perMinute(int('BARAZA_RATE_TRACK_PER_MINUTE', 120, 0, 1_000_000)),
      login: perMinute(int('BARAZA_RATE_LOGIN_PER_MINUTE', 10, 0, 1_000_000)),
    },
    trustProxyHops: int('BARAZA_TRUST_PROXY_HOPS', 0, 0, 10),
    mail: { smtpUrl, from: env.BARAZA_MAIL_FROM?.trim() || 'Baraza <no-reply@baraza.go.ke>' },
    publicUrl,
    sms: { provider: smsProvider as SmsProviderName },
    portal: { ussdCode, smsNumber },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const perMinute = (max: number): RateLimit => (max === 0 ? false : { max, timeWindow: 60_000 });
