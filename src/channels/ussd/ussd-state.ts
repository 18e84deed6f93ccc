import type { CaseStatus, CaseType, Language } from '../../db/schema.ts';

/*
 * Where a caller is in the USSD menu, as plain JSON: it is stored with the session after every hop
 * (ussd_sessions.state), so any web process can take the next hop, a retried hop is answered from
 * it, and a caller who dropped can continue from it.
 */

export interface AgencyChoice {
  /** null: the caller does not know; triage decides. */
  code: string | null;
  name: string;
}

/** A case as the menu shows it, taken when the screen was opened (so a retried hop shows the same). */
export interface CaseLine {
  reference: string;
  type: CaseType;
  status: CaseStatus;
  /** '' for a sealed report: its handler is not shown on a phone that may be shared. */
  agency: string;
  sealed: boolean;
  sentAt: string;
  dueAt: string | null;
}

export interface TrackedCase {
  reference: string;
  status: CaseStatus;
  agency: string;
  dueAt: string | null;
}

import type { InformationOffice, Topic } from '../../core/knowledge/information-source.ts';

export type { InformationOffice, Topic };

export type Screen =
  /** `first`: the number has never chosen, so there is no way back and no menu yet. */
  | { kind: 'language'; first: boolean }
  | { kind: 'resume'; from: string; saved: SavedFlow }
  | { kind: 'main' }
  | { kind: 'agency'; page: number; options: AgencyChoice[] }
  | { kind: 'type'; page: number }
  | { kind: 'description' }
  | { kind: 'county'; page: number }
  | { kind: 'confirm' }
  | { kind: 'sent'; caseId: string; reference: string; resolveBy: string | null }
  | { kind: 'cancelled' }
  | { kind: 'track_reference' }
  | { kind: 'track_pin'; reference: string }
  | { kind: 'track_result'; case: TrackedCase }
  | { kind: 'track_locked' }
  | { kind: 'my_cases'; page: number; cases: CaseLine[] }
  | { kind: 'my_case'; case: CaseLine }
  | { kind: 'no_cases' }
  /** "Information": item 1 is the search by words, the offices with answers follow. */
  | { kind: 'info_home'; page: number; offices: InformationOffice[] }
  | { kind: 'info_search' }
  /** An office's top questions (`office`, its name), or what a search found (`words`, the caller's). */
  | { kind: 'info_topics'; page: number; topics: Topic[]; office?: string; words?: string }
  /** One answer, a USSD screen of it per page; `screens` taken when it was opened, like the lists. */
  | { kind: 'info_reading'; topicId: string; page: number; screens: string[] }
  | { kind: 'info_coming' };

export type ScreenKind = Screen['kind'];

/** What the caller has answered so far in "report a problem". */
export interface Draft {
  agency?: AgencyChoice;
  type?: CaseType;
  description?: string;
  /** A county code, 01 to 47. */
  county?: string;
}

/** The part of a state a resumed session takes over: where the caller was and what they had said. */
export interface SavedFlow {
  screen: Screen;
  back: Screen[];
  draft: Draft;
}

export interface UssdState extends SavedFlow {
  language: Language;
  /** A catalogue key (ussd.errors.*) shown above the screen: the last input was not accepted. */
  error?: { key: string; values?: Record<string, string | number> };
}

/** Screens that close the session (END): nothing the caller sends after them changes anything. */
export const END_SCREENS: ReadonlySet<ScreenKind> = new Set([
  'sent',
  'cancelled',
  'track_result',
  'track_locked',
  'no_cases',
  'info_coming',
]);

/** Steps of a report with at least one answer behind them: worth continuing after a dropped call. */
const RESUMABLE: ReadonlySet<ScreenKind> = new Set(['type', 'description', 'county', 'confirm']);

export const isEnd = (state: UssdState): boolean => END_SCREENS.has(state.screen.kind);

export const isResumable = (state: UssdState): boolean => RESUMABLE.has(state.screen.kind);

const KINDS: ReadonlySet<string> = new Set<ScreenKind>([
  'language',
  'resume',
  'main',
  'agency',
  'type',
  'description',
  'county',
  'confirm',
  ...END_SCREENS,
  'track_reference',
  'track_pin',
  'my_cases',
  'my_case',
  'info_home',
  'info_search',
  'info_topics',
  'info_reading',
]);

/**
 * A stored state as this version of the menu understands it. A state written by an older version
 * with a screen this one no longer has is refused (the session is then treated as expired), rather
 * than half-read.
 */
export function readState(value: unknown): UssdState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<UssdState>;
  const known = (screen: unknown) =>
    typeof screen === 'object' && screen !== null && KINDS.has((screen as Screen).kind);
  if (state.language !== 'en' && state.language !== 'sw') return undefined;
  if (!known(state.screen) || !Array.isArray(state.back) || !state.back.every(known)) return undefined;
  if (typeof state.draft !== 'object' || state.draft === null) return undefined;
  return state as UssdState;
}
