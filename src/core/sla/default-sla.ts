import type { CalendarDefinition } from './business-calendar.ts';
import type { SlaPolicy } from './sla-policy.ts';

/*
 * What a new Baraza starts with. Administrators change all of it (docs/sla.md explains each
 * figure and where it comes from).
 */

export const OFFICE_HOURS = 'office-hours';
export const ALWAYS_OPEN = 'always-open';

const weekday: [string, string][] = [
  ['08:00', '13:00'],
  ['14:00', '17:00'],
];

export const DEFAULT_CALENDARS: CalendarDefinition[] = [
  {
    // Public service hours: Monday to Friday, 8 to 5 with an hour for lunch, closed on gazetted
    // public holidays (the Public Holidays Act, with a Sunday holiday observed on the Monday).
    id: OFFICE_HOURS,
    name: 'Government office hours',
    nameSw: 'Saa za kazi za ofisi za serikali',
    timeZone: 'Africa/Nairobi',
    alwaysOpen: false,
    workingHours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday },
    holidayCountry: 'KE',
  },
  {
    // Services that never close: the police occurrence book, emergency lines.
    id: ALWAYS_OPEN,
    name: 'Open every hour of every day',
    nameSw: 'Wazi kila saa ya kila siku',
    timeZone: 'Africa/Nairobi',
    alwaysOpen: true,
    workingHours: {},
    holidayCountry: null,
  },
];

/** Agencies (by code) that work round the clock out of the box. */
export const ALWAYS_OPEN_AGENCIES = ['NPS'];

const base = { agencyId: null, serviceId: null, caseType: null, priority: null, enabled: true } as const;

export const DEFAULT_POLICIES: SlaPolicy[] = [
  {
    ...base,
    id: 'national-default',
    name: 'National default (P3)',
    clocks: {
      acknowledge: { amount: 1, unit: 'working_days' },
      first_response: { amount: 5, unit: 'working_days' },
      // The Access to Information Act, 2016 (s. 9): a decision within 21 days.
      resolve: { amount: 21, unit: 'days' },
      // How long the clearing house, or an agency that receives a misdirected case, may hold it.
      transfer: { amount: 5, unit: 'working_days' },
      interim_update: { amount: 7, unit: 'days' },
      citizen_reply: { amount: 14, unit: 'days' },
      assignee_idle: { amount: 3, unit: 'working_days' },
    },
    warnAtPercent: 75,
    breachActions: {
      acknowledge: ['notify', 'escalate'],
      first_response: ['notify', 'escalate'],
      resolve: ['notify', 'escalate', 'raise_priority'],
      transfer: ['notify', 'escalate'],
      interim_update: ['notify'],
      citizen_reply: ['close'],
      assignee_idle: ['reassign', 'notify'],
    },
    escalation: {
      chain: { officer: 'supervisor', supervisor: 'agency_head', agency_head: 'oversight' },
      repeatAfter: { amount: 2, unit: 'working_days' },
    },
  },
  {
    ...base,
    id: 'priority-p1',
    name: 'P1: life or liberty',
    priority: 'P1',
    // Access to Information Act s. 9(2): 48 hours where the information concerns the life or
    // liberty of a person. Danger does not keep office hours, so these are wall-clock hours.
    clocks: {
      acknowledge: { amount: 2, unit: 'hours' },
      first_response: { amount: 8, unit: 'hours' },
      resolve: { amount: 48, unit: 'hours' },
      transfer: { amount: 4, unit: 'hours' },
      interim_update: { amount: 24, unit: 'hours' },
      assignee_idle: { amount: 4, unit: 'hours' },
    },
    escalation: {
      chain: { officer: 'supervisor', supervisor: 'agency_head', agency_head: 'oversight' },
      repeatAfter: { amount: 4, unit: 'hours' },
    },
  },
  {
    ...base,
    id: 'priority-p2',
    name: 'P2: urgent',
    priority: 'P2',
    clocks: {
      acknowledge: { amount: 4, unit: 'working_hours' },
      first_response: { amount: 2, unit: 'working_days' },
      resolve: { amount: 7, unit: 'days' },
      transfer: { amount: 2, unit: 'working_days' },
      interim_update: { amount: 3, unit: 'days' },
      assignee_idle: { amount: 1, unit: 'working_days' },
    },
  },
  {
    ...base,
    id: 'priority-p4',
    name: 'P4: routine',
    priority: 'P4',
    clocks: {
      acknowledge: { amount: 2, unit: 'working_days' },
      first_response: { amount: 10, unit: 'working_days' },
      resolve: { amount: 30, unit: 'days' },
      interim_update: { amount: 14, unit: 'days' },
    },
  },
];
