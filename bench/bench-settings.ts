/** The benchmark's knobs, read once from the environment; every problem is listed at once. */
export interface BenchSettings {
  /** A role that may create and drop databases; the run works in a fresh one of its own. */
  adminUrl: string;
  connections: number;
  durationSeconds: number;
  warmUpSeconds: number;
  /** Cases submitted through the API before tracking is measured, and rows in the baseline table. */
  seedCases: number;
  /** Open cases for the SLA sweep section (1% of them due); 0 skips it. */
  slaCases: number;
  /** Open cases of one agency for the staff console's section; 0 skips it. */
  consoleCases: number;
  /** Concurrent USSD sessions for the USSD section, on PostgreSQL and on PGlite; 0 skips it. */
  ussdSessions: number;
  /** A caller's average think time between hops in the paced USSD scenarios: reading a screen and replying. */
  ussdPaceSeconds: number;
  /** Citizen notices queued and then delivered through the outbox and the local provider; 0 skips it. */
  notices: number;
  /**
   * Published articles for the knowledge search section, the 100 shipped ones included, on
   * PostgreSQL and on PGlite; 0 skips it.
   */
  knowledgeArticles: number;
  /** Open cases of one agency for the console's case search at scale, on PostgreSQL; 0 skips it. */
  caseSearchCases: number;
  /**
   * 'sla' runs only the SLA sweep section (BENCH_ONLY=sla), 'portal' only the citizen portal's
   * (BENCH_ONLY=portal), 'console' only the staff console's (BENCH_ONLY=console), 'ussd' only the
   * USSD channel's (BENCH_ONLY=ussd), 'sms' only the SMS channel's (BENCH_ONLY=sms), 'notifications'
   * only the outbox's (BENCH_ONLY=notifications), 'knowledge' only the knowledge search and the
   * case search at scale (BENCH_ONLY=knowledge), skipping the others.
   */
  only: 'sla' | 'portal' | 'console' | 'ussd' | 'sms' | 'notifications' | 'knowledge' | undefined;
}

/** The environment asks for something impossible; the message lists every problem. */
export class SettingsError extends Error {}

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function readSettings(env: Record<string, string | undefined>): BenchSettings {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  };
  const adminUrl = env.BENCH_DATABASE_URL?.trim() || DEFAULT_ADMIN_URL;
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) {
    problems.push('BENCH_DATABASE_URL must start with postgres:// or postgresql://');
  }
  const settings: BenchSettings = {
    adminUrl,
    connections: int('BENCH_CONNECTIONS', 16, 1, 1000),
    durationSeconds: int('BENCH_DURATION_SECONDS', 10, 1, 3600),
    warmUpSeconds: int('BENCH_WARMUP_SECONDS', 3, 0, 600),
    seedCases: int('BENCH_SEED_CASES', 20_000, 0, 10_000_000),
    slaCases: int('BENCH_SLA_CASES', 1_000_000, 0, 10_000_000),
    consoleCases: int('BENCH_CONSOLE_CASES', 100_000, 0, 10_000_000),
    ussdSessions: int('BENCH_USSD_SESSIONS', 200, 0, 5000),
    ussdPaceSeconds: int('BENCH_USSD_PACE_SECONDS', 2, 1, 60),
    notices: int('BENCH_NOTICES', 20_000, 0, 10_000_000),
    knowledgeArticles: int('BENCH_KNOWLEDGE_ARTICLES', 10_000, 0, 1_000_000),
    caseSearchCases: int('BENCH_CASE_SEARCH_CASES', 1_000_000, 0, 10_000_000),
    only: undefined,
  };
  // Fewer than 10,000 would leave fewer than 100 due cases: too few to time a sweep by.
  if (settings.slaCases > 0 && settings.slaCases < 10_000) {
    problems.push(
      `BENCH_SLA_CASES must be 0 (skip the SLA section) or from 10000 (got "${env.BENCH_SLA_CASES}")`,
    );
  }
  // Fewer than 1,000 would leave fewer than 20 pages of the queue to page through.
  if (settings.consoleCases > 0 && settings.consoleCases < 1000) {
    problems.push(
      `BENCH_CONSOLE_CASES must be 0 (skip the console section) or from 1000 (got "${env.BENCH_CONSOLE_CASES}")`,
    );
  }
  // The shipped articles are always there: fewer would mean generating none and measuring less.
  if (settings.knowledgeArticles > 0 && settings.knowledgeArticles < 100) {
    problems.push(
      `BENCH_KNOWLEDGE_ARTICLES must be 0 (skip the knowledge search) or from 100, the shipped articles (got "${env.BENCH_KNOWLEDGE_ARTICLES}")`,
    );
  }
  // Fewer than 1,000 would leave the rare word in a handful of cases.
  if (settings.caseSearchCases > 0 && settings.caseSearchCases < 1000) {
    problems.push(
      `BENCH_CASE_SEARCH_CASES must be 0 (skip the case search) or from 1000 (got "${env.BENCH_CASE_SEARCH_CASES}")`,
    );
  }
  const only = env.BENCH_ONLY?.trim();
  const sections = ['sla', 'portal', 'console', 'ussd', 'sms', 'notifications', 'knowledge'] as const;
  const section = sections.find((name) => name === only);
  if (section) {
    settings.only = section;
  } else if (only) {
    problems.push(`BENCH_ONLY can only be ${sections.map((name) => `"${name}"`).join(', ')} (got "${only}")`);
  }
  if (settings.only === 'sla' && settings.slaCases === 0) {
    problems.push('BENCH_ONLY=sla with BENCH_SLA_CASES=0 leaves nothing to run');
  }
  if (settings.only === 'console' && settings.consoleCases === 0) {
    problems.push('BENCH_ONLY=console with BENCH_CONSOLE_CASES=0 leaves nothing to run');
  }
  if (settings.only === 'ussd' && settings.ussdSessions === 0) {
    problems.push('BENCH_ONLY=ussd with BENCH_USSD_SESSIONS=0 leaves nothing to run');
  }
  if (settings.only === 'notifications' && settings.notices === 0) {
    problems.push('BENCH_ONLY=notifications with BENCH_NOTICES=0 leaves nothing to run');
  }
  if (settings.only === 'knowledge' && settings.knowledgeArticles === 0 && settings.caseSearchCases === 0) {
    problems.push(
      'BENCH_ONLY=knowledge with BENCH_KNOWLEDGE_ARTICLES=0 and BENCH_CASE_SEARCH_CASES=0 leaves nothing to run',
    );
  }
  if (problems.length > 0) {
    throw new SettingsError(
      `The benchmark cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return settings;
}
