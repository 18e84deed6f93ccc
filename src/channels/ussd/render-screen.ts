import { DateTime } from 'luxon';
import { formatReference } from '../../core/cases/reference.ts';
import { CASE_TYPES, type Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Draft, isEnd, type UssdState } from './ussd-state.ts';

/*
 * What the caller sees: a state rendered as one USSD screen. Pure, so a retried hop renders the same
 * text from the same stored state. Every screen fits SCREEN_LIMIT characters without the CON/END
 * prefix (test/ussd-screens.test.ts walks them all), in plain GSM-7: some telcos cannot show more.
 */

/** The usual USSD screen limit; whether gateways count the CON/END prefix is unknown, so it is left out. */
export const SCREEN_LIMIT = 182;
export const KEYS = { more: '98', back: '0', main: '00' } as const;
/** A list item's label is cut to this, so that one long name cannot push a page's others off. */
const ITEM_LIMIT = 48;
/** An office's name in a list's title is cut to this. */
const OFFICE_LIMIT = 30;
/** Case references and Kenya's times on a phone: short and the same in both languages. */
const ZONE = 'Africa/Nairobi';

export interface MenuContext {
  /** The code callers dial, as the portal shows it (*384*2020#). */
  ussdCode: string;
  /** The 47 counties in constitutional order: a county's number on the menu is its code. */
  counties: readonly { code: string; name: string }[];
  /** How long after a dropped session the caller may continue it. */
  resumeMinutes: number;
}

export interface Reply {
  /** END: the gateway shows the text and closes the session; otherwise CON, it waits for input. */
  end: boolean;
  text: string;
}

export type UssdText = (key: string, values?: Record<string, string | number>) => string;

/** The USSD catalogue (src/i18n/ussd-*.json) in a language. */
export function ussdText(language: Language): UssdText {
  const t = translator(language);
  return (key, values) => t(`ussd.${key}`, values ?? {});
}

export function renderScreen(state: UssdState, ctx: MenuContext): Reply {
  const t = ussdText(state.language);
  const error = state.error ? t(`errors.${state.error.key}`, state.error.values) : undefined;
  const room = SCREEN_LIMIT - (error === undefined ? 0 : error.length + 1);
  const lines = screenLines(state, ctx, t, room);
  const text = (error === undefined ? lines : [error, ...lines]).join('\n');
  return { end: isEnd(state), text: clip(text, SCREEN_LIMIT) };
}

function screenLines(state: UssdState, ctx: MenuContext, t: UssdText, room: number): string[] {
  const { screen } = state;
  const back = `${KEYS.back}. ${t('nav.back')}`;
  const nav = [back, `${KEYS.main}. ${t('nav.main')}`];
  const list = listOf(state, ctx);
  if (list) {
    const { page } = screen as { page: number };
    const starts = pageStarts(state, ctx);
    const from = starts[page] ?? 0;
    const to = starts[page + 1] ?? list.items.length;
    const more = page + 1 < starts.length ? [`${KEYS.more}. ${t('nav.more')}`] : [];
    return [
      list.title,
      ...list.items.slice(from, to).map((item, i) => numbered(from + i, item)),
      ...more,
      ...nav,
    ];
  }
  switch (screen.kind) {
    case 'language':
      return [
        ...(screen.first ? [t('language.welcome')] : []),
        t('language.title'),
        `1. ${t('language.en')}`,
        `2. ${t('language.sw')}`,
        ...(screen.first ? [] : [back]),
      ];
    case 'resume':
      return [t('resume.title'), `1. ${t('resume.continue')}`, `2. ${t('resume.restart')}`];
    case 'main':
      return [
        t('main.title'),
        `1. ${t('main.report')}`,
        `2. ${t('main.track')}`,
        `3. ${t('main.mine')}`,
        `4. ${t('main.info')}`,
        `5. ${t('main.language')}`,
      ];
    case 'description':
      return [t('report.description'), ...nav];
    case 'confirm':
      return confirmLines(state.draft, ctx, t, nav, room);
    case 'sent':
      return [
        t('report.sent', { reference: formatReference(screen.reference) }),
        ...(screen.resolveBy ? [t('report.sent_due', { due: localTime(screen.resolveBy) })] : []),
        t('report.sent_track', { code: ctx.ussdCode }),
      ];
    case 'cancelled':
      return [t('report.cancelled', { code: ctx.ussdCode })];
    case 'track_reference':
      return [t('track.reference'), ...nav];
    case 'track_pin':
      return [t('track.pin'), ...nav];
    case 'track_result': {
      const found = screen.case;
      const lines = [
        t('track.case', { reference: formatReference(found.reference) }),
        t('track.status', { status: translator(state.language)(`status.${found.status}`) }),
        ...(found.dueAt ? [t('track.due', { due: localTime(found.dueAt) })] : []),
      ];
      return found.agency
        ? fitting([...lines, t('track.office', { agency: found.agency })], lines.length, room)
        : lines;
    }
    case 'track_locked':
      return [t('track.locked')];
    case 'my_case': {
      const line = screen.case;
      const about = line.sealed
        ? t('mine.sealed')
        : t('mine.about', { type: t(`types.${line.type}`), agency: line.agency });
      const lines = [
        t('track.case', { reference: formatReference(line.reference) }),
        about,
        t('track.status', { status: translator(state.language)(`status.${line.status}`) }),
        t('mine.sent', { date: localDate(line.sentAt) }),
        ...(line.dueAt ? [t('track.due', { due: localTime(line.dueAt) })] : []),
        ...nav,
      ];
      return fitting(lines, 1, room);
    }
    case 'no_cases':
      return [t('mine.none', { code: ctx.ussdCode })];
    case 'info_search':
      return [t('info.ask'), ...nav];
    case 'info_reading': {
      const more = screen.page + 1 < screen.screens.length ? [`${KEYS.more}. ${t('nav.more')}`] : [];
      const tail = [...more, ...nav];
      // An answer's screen is at most 150 characters, which leaves room for these lines; only an
      // error line above it can make it give up its end.
      return [clip(screen.screens[screen.page] ?? '', room - tail.join('\n').length - 1), ...tail];
    }
    case 'info_coming':
      return [t('info.coming', { code: ctx.ussdCode })];
    default:
      throw new Error(`no rendering for the USSD screen ${screen.kind}`);
  }
}

/** The report as it will be sent: its kind, office and county, and as much of the words as fit. */
function confirmLines(draft: Draft, ctx: MenuContext, t: UssdText, nav: string[], room: number): string[] {
  const type = draft.type ? t(`types.${draft.type}`) : '';
  const county = countyName(ctx, draft.county);
  const summary =
    draft.agency?.code != null
      ? t('report.summary', { type, agency: draft.agency.name, county })
      : t('report.summary_no_agency', { type, county });
  const head = [t('report.confirm'), summary];
  const tail = [`1. ${t('report.send')}`, `2. ${t('report.cancel')}`, ...nav];
  const used = [...head, ...tail].join('\n').length + 1;
  // The words in quotes on a line of their own, in whatever room is left but at least a few
  // words; an office with a long name gives up letters first.
  const words = clip(draft.description ?? '', Math.max(24, room - used - 2));
  return fitting([...head, `"${words}"`, ...tail], 1, room);
}

/** Cuts the one line that may be long (an office's name) so that the screen fits `room`. */
function fitting(lines: string[], flexible: number, room: number): string[] {
  const over = lines.join('\n').length - room;
  if (over <= 0) return lines;
  return lines.map((line, i) => (i === flexible ? clip(line, Math.max(12, line.length - over)) : line));
}

export function countyName(ctx: Pick<MenuContext, 'counties'>, code: string | undefined): string {
  return ctx.counties.find((c) => c.code === code)?.name ?? '';
}

export interface MenuList {
  title: string;
  items: string[];
}

/** The screens that are numbered lists, paged with "98 More": their title and every item's label. */
export function listOf(state: UssdState, ctx: Pick<MenuContext, 'counties'>): MenuList | undefined {
  const t = ussdText(state.language);
  const { screen } = state;
  switch (screen.kind) {
    case 'agency':
      return {
        title: t('report.agency'),
        items: screen.options.map((o) => (o.code === null ? t('report.dont_know') : o.name)),
      };
    case 'type':
      return { title: t('report.type'), items: CASE_TYPES.map((type) => t(`types.${type}`)) };
    case 'county':
      return { title: t('report.county'), items: ctx.counties.map((c) => c.name) };
    case 'my_cases':
      return {
        title: t('mine.title'),
        items: screen.cases.map((c) => `${formatReference(c.reference)} ${t(`status.${c.status}`)}`),
      };
    case 'info_home':
      return { title: t('info.title'), items: [t('info.search'), ...screen.offices.map((o) => o.name)] };
    case 'info_topics':
      return {
        title:
          screen.office === undefined
            ? t('info.found')
            : t('info.questions', { office: clip(screen.office, OFFICE_LIMIT) }),
        items: screen.topics.map((topic) => topic.title),
      };
    default:
      return undefined;
  }
}

/**
 * Where each page of a list screen starts. Items keep their numbers on every page (the 47 counties
 * are numbered by their codes), so any number the caller knows is accepted on any page. The
 * pages leave room for the "invalid choice" line and for every navigation line, so a page shows
 * the same items with or without them. An answer's pages are its screens, one each.
 */
export function pageStarts(state: UssdState, ctx: Pick<MenuContext, 'counties'>): number[] {
  if (state.screen.kind === 'info_reading') return state.screen.screens.map((_, i) => i);
  const list = listOf(state, ctx);
  if (!list) return [0];
  const t = ussdText(state.language);
  const fixed = [
    t('errors.choice'),
    list.title,
    `${KEYS.more}. ${t('nav.more')}`,
    `${KEYS.back}. ${t('nav.back')}`,
    `${KEYS.main}. ${t('nav.main')}`,
  ];
  const room = SCREEN_LIMIT - fixed.join('\n').length;
  const starts = [0];
  let used = 0;
  list.items.forEach((item, i) => {
    const line = numbered(i, item).length + 1;
    if (used > 0 && used + line > room) {
      starts.push(i);
      used = 0;
    }
    used += line;
  });
  return starts;
}

const numbered = (index: number, label: string) => `${index + 1}. ${clip(label, ITEM_LIMIT)}`;

/** Cuts text to at most `limit` characters, marking the cut. */
export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - 3)).trimEnd()}...`;
}

const localTime = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('dd/MM/yyyy HH:mm');
const localDate = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('dd/MM/yyyy');

/** Screens with numbered choices, for the menu: how many items a list screen has. */
export function itemCount(state: UssdState, ctx: Pick<MenuContext, 'counties'>): number {
  return listOf(state, ctx)?.items.length ?? 0;
}
