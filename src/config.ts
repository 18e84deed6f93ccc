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
  mail: {
    smtpUrl: string | undefined;
    from: string;
    /** The token the inbound-mail webhook must carry (?token=); without it the webhook is off. */
    inboundToken: string | undefined;
  };
  /** Where people outside reach Baraza, for links in letters and e-mails; no trailing slash. */
  publicUrl: string;
  /**
   * Run the background workers (SLA sweeps, escalations, the invariant check) inside `npm start`.
   * Larger deployments turn this off and run `npm run worker` processes instead.
   */
  workers: boolean;
  /** Which gateway sends SMS; `local` keeps them in memory (development and tests). */
  sms: SmsConfig;
  /**
   * Africa's Talking's SMS callbacks (inbound messages, delivery reports). With a token set they
   * must carry it (?token=...): the gateway signs nothing, and the sender's number it posts decides
   * whose case status a STATUS message may read.
   */
  smsInbound: { callbackToken: string | undefined };
  /** How citizens reach Baraza from a phone, shown on the portal's pages. */
  portal: { ussdCode: string; smsNumber: string };
  /**
   * Africa's Talking's USSD callbacks. With a token set, they must carry it (?token=...) in the
   * callback URL: the gateway signs nothing, and the caller's number it posts decides whose cases
   * "My recent cases" lists.
   */
  ussd: { callbackToken: string | undefined };
}

export const SMS_PROVIDERS = ['local', 'africastalking'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

export type SmsConfig =
  | { provider: 'local' }
  | { provider: 'africastalking'; africastalking: AfricasTalkingSettings };

/** An Africa's Talking account, for its bulk SMS API (channels/sms/africastalking-sms-provider.ts). */
export interface AfricasTalkingSettings {
  username: string;
  apiKey: string;
  /** The shortcode or alphanumeric sender id messages come from; the account's default when absent. */
  senderId: string | undefined;
  /** No trailing slash: https://api.africastalking.com, or the sandbox's. */
  baseUrl: string;
  /** How long one send may take before it counts as failed (and the outbox tries again later). */
  timeoutMs: number;
}

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
  const sms = smsConfig(env, smsProvider, problems, int);
  const smsToken = env.BARAZA_SMS_TOKEN?.trim() || undefined;
  if (smsToken !== undefined && !/^[A-Za-z0-9_-]{16,200}$/.test(smsToken)) {
    // Not echoed: it is a secret.
    problems.push('BARAZA_SMS_TOKEN must be 16 to 200 letters, digits, - or _');
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

  const inboundToken = env.BARAZA_INBOUND_MAIL_TOKEN?.trim() || undefined;
  if (inboundToken !== undefined && !/^[A-Za-z0-9_-]{16,200}$/.test(inboundToken)) {
    problems.push('BARAZA_INBOUND_MAIL_TOKEN must be 16 to 200 letters, digits, - or _');
  }

  const ussdToken = env.BARAZA_USSD_TOKEN?.trim() || undefined;
  if (ussdToken !== undefined && !/^[A-Za-z0-9_-]{16,200}$/.test(ussdToken)) {
    // Not echoed: it is a secret.
    problems.push('BARAZA_USSD_TOKEN must be 16 to 200 letters, digits, - or _');
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
    mail: {
      smtpUrl,
      from: env.BARAZA_MAIL_FROM?.trim() || 'Baraza <no-reply@baraza.go.ke>',
      inboundToken,
    },
    publicUrl,
    sms,
    smsInbound: { callbackToken: smsToken },
    portal: { ussdCode, smsNumber },
    ussd: { callbackToken: ussdToken },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const perMinute = (max: number): RateLimit => (max === 0 ? false : { max, timeWindow: 60_000 });

const AT_LIVE_URL = 'https://api.africastalking.com';
const AT_SANDBOX_URL = 'https://api.sandbox.africastalking.com';

/** The SMS gateway's settings; Africa's Talking needs its account, checked here rather than at the first send. */
function smsConfig(
  env: Env,
  provider: string,
  problems: string[],
  int: (name: string, fallback: number, min: number, max: number) => number,
): SmsConfig {
  if (provider !== 'africastalking') return { provider: 'local' };
  const username = env.BARAZA_AT_USERNAME?.trim() ?? '';
  if (username === '') {
    problems.push(
      'BARAZA_AT_USERNAME is needed with BARAZA_SMS_PROVIDER=africastalking (your app\'s username, or "sandbox")',
    );
  } else if (!/^[A-Za-z0-9_.-]{1,64}$/.test(username)) {
    problems.push(`BARAZA_AT_USERNAME must be letters, digits, _ . or - (got "${username}")`);
  }
  const apiKey = env.BARAZA_AT_API_KEY?.trim() ?? '';
  if (apiKey === '') {
    problems.push('BARAZA_AT_API_KEY is needed with BARAZA_SMS_PROVIDER=africastalking (Settings > API Key)');
  } else if (!/^[!-~]{16,256}$/.test(apiKey)) {
    // Not echoed: it is a secret.
    problems.push('BARAZA_AT_API_KEY must be 16 to 256 printable characters without spaces');
  }
  const senderId = env.BARAZA_AT_SENDER_ID?.trim() || undefined;
  if (senderId !== undefined && !/^(?:\d{3,15}|[A-Za-z0-9][A-Za-z0-9 _.-]{0,10})$/.test(senderId)) {
    problems.push(
      `BARAZA_AT_SENDER_ID must be a shortcode (3 to 15 digits) or a sender name of at most 11 letters and digits (got "${senderId}")`,
    );
  }
  const baseUrl = (
    env.BARAZA_AT_BASE_URL?.trim() || (username === 'sandbox' ? AT_SANDBOX_URL : AT_LIVE_URL)
  ).replace(/\/+$/, '');
  // The API key travels in a header: in the clear only to a test server on this machine.
  if (
    !/^https:\/\/[^/\s]+/.test(baseUrl) &&
    !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(baseUrl)
  ) {
    problems.push(
      `BARAZA_AT_BASE_URL must start with https:// (http:// only to 127.0.0.1 or localhost; got "${baseUrl}")`,
    );
  }
  const timeoutMs = int('BARAZA_AT_TIMEOUT_MS', 10_000, 100, 60_000);
  return { provider: 'africastalking', africastalking: { username, apiKey, senderId, baseUrl, timeoutMs } };
}
