import { parseReference } from '../../core/cases/reference.ts';
import { AppError } from '../../core/errors.ts';
import { CASE_TYPES, type CaseType, type Language } from '../../db/schema.ts';
import type { InformationOffice, InformationSource, Topic } from './information-source.ts';
import { itemCount, KEYS, type MenuContext, pageStarts } from './render-screen.ts';
import {
  type AgencyChoice,
  type CaseLine,
  isEnd,
  type Screen,
  type TrackedCase,
  type UssdState,
} from './ussd-state.ts';

/*
 * The USSD menu: one caller input applied to a state gives the next state (render-screen.ts shows
 * it). Conventions on every screen past the main menu: 0 goes back one screen, 00 to the main menu,
 * 98 shows more of a list. Input that does not fit the screen repeats it with a short error. What
 * the menu needs from the rest of Baraza (lists, tracking, sending) comes through MenuPorts, bound
 * to the caller's number, so this file holds the menu's rules and no database or HTTP.
 */

export const DESCRIPTION_LIMITS = { min: 5, max: 300 } as const;
/** How many screens 0 can go back through. */
const BACK_LIMIT = 12;
/** Above this a list would collide with the 98 and 00 keys. */
export const LIST_LIMIT = 90;
/** How many answers a search by words offers. */
const SEARCH_RESULTS = 8;
/** A search's words are cut to this (a caller's keypad seldom gets there). */
const SEARCH_LENGTH = 100;

export interface CompleteDraft {
  /** null: the caller did not know the office; triage decides. */
  agencyCode: string | null;
  type: CaseType;
  description: string;
  county: string;
}

/** What the menu asks of the rest of Baraza, for one caller (ussd-ports.ts). */
export interface MenuPorts {
  /** The offices a caller may name, in the order shown. */
  agencies(): Promise<AgencyChoice[]>;
  /** Sends the report; the same session sending again gets the same case back. */
  submit(
    draft: CompleteDraft,
    language: Language,
  ): Promise<{ caseId: string; reference: string; resolveBy: Date | null }>;
  /** A case's public status; throws AppError (not_found, unauthenticated when a PIN is needed, ...). */
  track(reference: string, pin: string | undefined, language: Language): Promise<TrackedCase>;
  /** The cases sent from the caller's number, newest first. */
  recentCases(language: Language): Promise<CaseLine[]>;
  information: InformationSource;
  rememberLanguage(language: Language): Promise<void>;
  /** The caller continued a dropped report, or chose not to: no other is offered any more. */
  forgetUnfinished(): Promise<void>;
}

export async function step(
  state: UssdState,
  rawInput: string,
  ctx: MenuContext,
  ports: MenuPorts,
): Promise<UssdState> {
  if (isEnd(state)) return state;
  const input = rawInput.trim();
  const { screen } = state;
  const lang = state.language;

  // Navigation first, on every screen that has a way back.
  const navigable = !['language', 'resume', 'main'].includes(screen.kind) || isMenuLanguage(screen);
  if ((navigable || screen.kind === 'main') && input === KEYS.main) return home(lang);
  if (navigable && input === KEYS.back) return back(state);
  if (input === KEYS.more && pageStarts(state, ctx).length > 1) return nextPage(state, ctx);

  switch (screen.kind) {
    case 'language': {
      const chosen = input === '1' ? 'en' : input === '2' ? 'sw' : undefined;
      if (!chosen) return refuse(state, 'choice');
      await ports.rememberLanguage(chosen);
      return home(chosen);
    }
    case 'resume':
      if (input !== '1' && input !== '2' && input !== KEYS.main) return refuse(state, 'choice');
      await ports.forgetUnfinished();
      return input === '1' ? { language: lang, ...screen.saved } : home(lang);
    case 'main':
      return fromMain(state, input, ports);
    case 'agency': {
      const choice = chosen(input, state, ctx);
      if (choice === undefined) return refuse(state, 'choice');
      const agency = screen.options[choice];
      return forward({ ...state, draft: { ...state.draft, agency } }, { kind: 'type', page: 0 });
    }
    case 'type': {
      const choice = chosen(input, state, ctx);
      if (choice === undefined) return refuse(state, 'choice');
      return forward(
        { ...state, draft: { ...state.draft, type: CASE_TYPES[choice] } },
        { kind: 'description' },
      );
    }
    case 'description': {
      if (input.length < DESCRIPTION_LIMITS.min) return refuse(state, 'too_short');
      if (input.length > DESCRIPTION_LIMITS.max) {
        return refuse(state, 'too_long', { max: DESCRIPTION_LIMITS.max });
      }
      return forward(
        { ...state, draft: { ...state.draft, description: input } },
        { kind: 'county', page: 0 },
      );
    }
    case 'county': {
      const choice = chosen(input, state, ctx);
      const county = choice === undefined ? undefined : ctx.counties[choice]?.code;
      if (!county) return refuse(state, 'choice');
      return forward({ ...state, draft: { ...state.draft, county } }, { kind: 'confirm' });
    }
    case 'confirm':
      if (input === '2') return forward(state, { kind: 'cancelled' });
      if (input !== '1') return refuse(state, 'choice');
      return send(state, ports);
    case 'track_reference':
      return trackReference(state, input, ports);
    case 'track_pin':
      return trackPin(state, screen.reference, input, ports);
    case 'my_cases': {
      const choice = chosen(input, state, ctx);
      const line = choice === undefined ? undefined : screen.cases[choice];
      if (!line) return refuse(state, 'choice');
      return forward(state, { kind: 'my_case', case: line });
    }
    case 'info_home': {
      const choice = chosen(input, state, ctx);
      if (choice === undefined) return refuse(state, 'choice');
      if (choice === 0) return forward(state, { kind: 'info_search' });
      return officeTopics(state, screen.offices[choice - 1], ports);
    }
    case 'info_search':
      return searchTopics(state, input, ports);
    case 'info_topics': {
      const choice = chosen(input, state, ctx);
      const topic = choice === undefined ? undefined : screen.topics[choice];
      if (!topic) return refuse(state, 'choice');
      return read(state, topic, screen.words, ports);
    }
    default:
      // A screen that only goes back (a case's details): anything but 0 and 00 is not a choice.
      return refuse(state, 'choice');
  }
}

async function fromMain(state: UssdState, input: string, ports: MenuPorts): Promise<UssdState> {
  const lang = state.language;
  switch (input) {
    case '1': {
      const agencies = (await ports.agencies()).slice(0, LIST_LIMIT - 1);
      const options: AgencyChoice[] = [{ code: null, name: '' }, ...agencies];
      return forward({ ...state, draft: {} }, { kind: 'agency', page: 0, options });
    }
    case '2':
      return forward(state, { kind: 'track_reference' });
    case '3': {
      const cases = await ports.recentCases(lang);
      return forward(state, cases.length ? { kind: 'my_cases', page: 0, cases } : { kind: 'no_cases' });
    }
    case '4': {
      // Item 1 is the search by words, so one office fewer fits.
      const offices = (await ports.information.offices(lang)).slice(0, LIST_LIMIT - 1);
      return forward(
        state,
        offices.length ? { kind: 'info_home', page: 0, offices } : { kind: 'info_coming' },
      );
    }
    case '5':
      return forward(state, { kind: 'language', first: false });
    default:
      return refuse(state, 'choice');
  }
}

async function send(state: UssdState, ports: MenuPorts): Promise<UssdState> {
  const { agency, type, description, county } = state.draft;
  // Back and forth can never leave a confirm screen without these; a hand-made path might.
  if (!agency || !type || !description || !county) return home(state.language);
  try {
    const sent = await ports.submit({ agencyCode: agency.code, type, description, county }, state.language);
    return forward(state, {
      kind: 'sent',
      caseId: sent.caseId,
      reference: sent.reference,
      resolveBy: sent.resolveBy?.toISOString() ?? null,
    });
  } catch (error) {
    // The office named may have left Baraza since the list was shown: say so, keep the draft.
    if (error instanceof AppError && error.code === 'invalid_input') return refuse(state, 'not_sent');
    throw error;
  }
}

async function officeTopics(
  state: UssdState,
  office: InformationOffice | undefined,
  ports: MenuPorts,
): Promise<UssdState> {
  if (!office) return refuse(state, 'choice');
  const topics = (await ports.information.topics(state.language, office.id)).slice(0, LIST_LIMIT);
  // Its answers were all withdrawn since the list was shown.
  if (topics.length === 0) return refuse(state, 'info_gone');
  return forward(state, { kind: 'info_topics', page: 0, topics, office: office.name });
}

async function searchTopics(state: UssdState, input: string, ports: MenuPorts): Promise<UssdState> {
  const words = input.slice(0, SEARCH_LENGTH);
  const topics = words === '' ? [] : await ports.information.search(words, state.language, SEARCH_RESULTS);
  if (topics.length === 0) return refuse(state, 'no_match');
  return forward(state, { kind: 'info_topics', page: 0, topics, words });
}

/** Opens an answer at its first screen and counts the reading (with the words that found it). */
async function read(
  state: UssdState,
  topic: Topic,
  words: string | undefined,
  ports: MenuPorts,
): Promise<UssdState> {
  const answer = await ports.information.answer(topic.id, state.language);
  if (!answer) return refuse(state, 'info_gone');
  await ports.information.recordRead?.(answer.id, 'ussd', state.language, words);
  const screens = answer.ussd.length > 0 ? answer.ussd : [answer.sms];
  return forward(state, { kind: 'info_reading', topicId: answer.id, page: 0, screens });
}

/** What parseReference says is wrong with a typed reference, in the menu's words. */
const REFERENCE_ERRORS: Record<string, string> = {
  reference_not_digits: 'reference_digits',
  reference_length: 'reference_length',
  reference_zero_one: 'reference_zero_one',
  reference_check: 'reference_check',
};

async function trackReference(state: UssdState, input: string, ports: MenuPorts): Promise<UssdState> {
  let reference: string;
  try {
    // Some callers separate the groups with * (the only separator a keypad has).
    reference = parseReference(input.replace(/[*#]/g, ''));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return refuse(state, REFERENCE_ERRORS[error.key?.id ?? ''] ?? 'reference_check');
  }
  try {
    const found = await ports.track(reference, undefined, state.language);
    return forward(state, { kind: 'track_result', case: found });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'not_found') return refuse(state, 'not_found');
    if (error.code === 'unauthenticated') return forward(state, { kind: 'track_pin', reference });
    throw error;
  }
}

async function trackPin(
  state: UssdState,
  reference: string,
  input: string,
  ports: MenuPorts,
): Promise<UssdState> {
  if (!/^\d{6}$/.test(input)) return refuse(state, 'pin_format');
  try {
    const found = await ports.track(reference, input, state.language);
    return forward(state, { kind: 'track_result', case: found });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'forbidden') return refuse(state, 'pin_wrong');
    if (error.code === 'locked') return forward(state, { kind: 'track_locked' });
    if (error.code === 'not_found') return refuse(state, 'not_found');
    throw error;
  }
}

/** The item a typed number names, by its number on the list (the same on every page). */
function chosen(input: string, state: UssdState, ctx: Pick<MenuContext, 'counties'>): number | undefined {
  if (!/^\d{1,2}$/.test(input)) return undefined;
  const index = Number(input) - 1;
  return index >= 0 && index < itemCount(state, ctx) ? index : undefined;
}

function nextPage(state: UssdState, ctx: Pick<MenuContext, 'counties'>): UssdState {
  const { screen } = state;
  const page = 'page' in screen ? screen.page : 0;
  if (page + 1 >= pageStarts(state, ctx).length) return refuse(state, 'choice');
  return forward(state, { ...screen, page: page + 1 } as Screen);
}

export function home(language: Language): UssdState {
  return { language, screen: { kind: 'main' }, back: [], draft: {} };
}

/** To the next screen, remembering this one for 0. */
function forward(state: UssdState, screen: Screen): UssdState {
  return {
    language: state.language,
    screen,
    back: [...state.back, state.screen].slice(-BACK_LIMIT),
    draft: state.draft,
  };
}

function back(state: UssdState): UssdState {
  const previous = state.back.at(-1);
  if (!previous) return home(state.language);
  return { language: state.language, screen: previous, back: state.back.slice(0, -1), draft: state.draft };
}

/** The same screen again, with a line saying what was wrong. */
function refuse(state: UssdState, key: string, values?: Record<string, string | number>): UssdState {
  const { error: _previous, ...rest } = state;
  return { ...rest, error: values ? { key, values } : { key } };
}

const isMenuLanguage = (screen: Screen) => screen.kind === 'language' && !screen.first;
