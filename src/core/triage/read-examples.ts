import { parse } from 'csv-parse/sync';
import { CASE_TYPES, type CaseType } from '../../db/schema.ts';
import { AppError } from '../errors.ts';

/*
 * Labelled examples from a file, for `baraza triage train|evaluate` and the shipped corpus.
 * Either JSON lines or CSV with a header row. Every problem names the line it is on, so whoever
 * exported the file can fix it; one bad line fails the whole file rather than training on less
 * than was meant.
 */

export const TRIAGE_LANGUAGES = ['en', 'sw', 'mixed'] as const;
export type TriageLanguage = (typeof TRIAGE_LANGUAGES)[number];

/** A message with whatever labels the file gives: `label` for any model, or the triage fields. */
export interface LabelledExample {
  line: number;
  text: string;
  label?: string;
  agency?: string;
  type?: CaseType;
  urgent?: boolean;
  language?: TriageLanguage;
  /** The service the message is about, as AGENCY/service (a bare code takes the line's agency). */
  service?: string;
}

export interface MessageLine {
  line: number;
  id: string;
  text: string;
}

export class LineError extends AppError {
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
  ) {
    super('invalid_input', `${source}, line ${line}: ${problem}`, [{ field: `line ${line}`, problem }]);
  }
}

export function parseExamples(content: string, source: string, format?: 'csv' | 'jsonl'): LabelledExample[] {
  const kind = format ?? (looksLikeJsonLines(content) ? 'jsonl' : 'csv');
  const rows = kind === 'jsonl' ? jsonLines(content, source) : csvRows(content, source);
  if (rows.length === 0) throw new AppError('invalid_input', `${source} holds no examples`);
  return rows.map(({ line, record }) => toExample(record, line, source));
}

/** Input to `predict`: `{"id": "...", "text": "..."}` per line. */
export function parseMessageLine(raw: string, line: number, source = 'input'): MessageLine {
  if (raw.trim() === '')
    throw new LineError(source, line, 'empty line; expected {"id": "...", "text": "..."}');
  const record = parseJsonObject(raw, line, source);
  const id = record.id;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new LineError(source, line, '"id" is missing; give a string or a number');
  }
  const text = record.text;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new LineError(source, line, '"text" is missing or empty');
  }
  return { line, id: String(id), text };
}

function looksLikeJsonLines(content: string): boolean {
  return content.trimStart().startsWith('{');
}

function jsonLines(content: string, source: string) {
  const lines = content.split(/\r?\n/);
  // A final newline is not an empty line.
  if (lines.at(-1) === '') lines.pop();
  return lines.map((raw, i) => {
    if (raw.trim() === '') throw new LineError(source, i + 1, 'empty line; expected a JSON object');
    return { line: i + 1, record: parseJsonObject(raw, i + 1, source) };
  });
}

function parseJsonObject(raw: string, line: number, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new LineError(source, line, `invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LineError(source, line, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function csvRows(content: string, source: string) {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(content, { columns: true, skip_empty_lines: false, trim: true, bom: true, info: true });
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new LineError(source, e.lines ?? 1, `not valid CSV (${e.message})`);
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  if (records.length > 0 && !header.includes('text')) {
    throw new LineError(source, 1, `the header needs a "text" column; it has ${header.join(', ')}`);
  }
  return records.map(({ record, info }) => ({ line: info.lines, record: record as Record<string, unknown> }));
}

function toExample(record: Record<string, unknown>, line: number, source: string): LabelledExample {
  const fail = (problem: string) => new LineError(source, line, problem);
  const text = record.text;
  if (typeof text !== 'string' || text.trim() === '') throw fail('"text" is missing or empty');
  const example: LabelledExample = { line, text };
  const label = optionalString(record.label, 'label', fail);
  if (label !== undefined) example.label = label;
  const agency = optionalString(record.agency, 'agency', fail);
  if (agency !== undefined) example.agency = agency.toUpperCase();
  const type = optionalString(record.type, 'type', fail);
  if (type !== undefined) {
    if (!(CASE_TYPES as readonly string[]).includes(type)) {
      throw fail(`unknown type "${type}"; one of ${CASE_TYPES.join(', ')}`);
    }
    example.type = type as CaseType;
  }
  const urgent = record.urgent;
  if (urgent !== undefined && urgent !== '') {
    if (urgent === true || urgent === 'true' || urgent === '1') example.urgent = true;
    else if (urgent === false || urgent === 'false' || urgent === '0') example.urgent = false;
    else throw fail('"urgent" must be true or false');
  }
  const language = optionalString(record.language, 'language', fail);
  if (language !== undefined) {
    if (!(TRIAGE_LANGUAGES as readonly string[]).includes(language)) {
      throw fail(`unknown language "${language}"; one of ${TRIAGE_LANGUAGES.join(', ')}`);
    }
    example.language = language as TriageLanguage;
  }
  const service = optionalString(record.service, 'service', fail);
  if (service !== undefined) {
    if (!service.includes('/') && !example.agency)
      throw fail('"service" needs "agency", or write AGENCY/service');
    example.service = service.includes('/') ? service : `${example.agency}/${service}`;
  }
  if (example.label === undefined && example.agency === undefined) {
    throw fail('no label: give a "label" (or, for the triage corpus, "agency") column');
  }
  return example;
}

function optionalString(value: unknown, name: string, fail: (problem: string) => Error): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw fail(`"${name}" must be text`);
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return trimmed;
}
