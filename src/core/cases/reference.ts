import { randomInt } from 'node:crypto';
import { AppError } from '../errors.ts';

/*
 * Case references are 11 digits drawn from 2-9: 10 random digits and a check digit, shown as
 * 4-4-3 groups ("4827-3925-648"). Digits only, because a feature phone types them in one press
 * each and they are read aloud over a phone without spelling (B/D/P/V sound alike on a bad line);
 * no 0 or 1, so nothing can be mistaken for O, I or L. 8^10 is about a billion references.
 *
 * The check digit is Damm's algorithm over the digits 2-9 taken as the field GF(8): the operation
 * x*y = a.x + y (a a generator, + being XOR) is a totally anti-symmetric quasigroup, so every
 * single mistyped digit and every swap of two neighbouring digits is caught.
 */
const DIGITS = '23456789';
const BODY_LENGTH = 10;
export const REFERENCE_LENGTH = BODY_LENGTH + 1;

/** Multiplies by the generator in GF(8) = GF(2)[x]/(x^3 + x + 1). */
function timesGenerator(value: number): number {
  const shifted = value << 1;
  return shifted & 8 ? (shifted ^ 0b1011) & 7 : shifted;
}

function checkValue(body: string): number {
  let interim = 0;
  for (const char of body) interim = timesGenerator(interim) ^ DIGITS.indexOf(char);
  return timesGenerator(interim);
}

export function generateReference(random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += DIGITS[random(DIGITS.length)];
  return body + DIGITS[checkValue(body)];
}

/** Groups a stored reference for people: 4827-3925-648. */
export function formatReference(reference: string): string {
  return `${reference.slice(0, 4)}-${reference.slice(4, 8)}-${reference.slice(8)}`;
}

/**
 * Turns what a person typed into the stored form, or says precisely what is wrong with it.
 * Spaces, dashes and dots are ignored.
 */
export function parseReference(input: string): string {
  const compact = input.replace(/[\s\-.]/g, '');
  if (!/^\d+$/.test(compact)) {
    throw new AppError(
      'invalid_reference',
      'A case reference has only digits, like 4827-3925-648.',
    ).translatable('reference_not_digits');
  }
  if (compact.length !== REFERENCE_LENGTH) {
    throw new AppError(
      'invalid_reference',
      `A case reference has ${REFERENCE_LENGTH} digits; this one has ${compact.length}.`,
    ).translatable('reference_length', { expected: REFERENCE_LENGTH, actual: compact.length });
  }
  if (/[01]/.test(compact)) {
    throw new AppError(
      'invalid_reference',
      'A case reference never contains 0 or 1: please check it.',
    ).translatable('reference_zero_one');
  }
  const body = compact.slice(0, BODY_LENGTH);
  if (DIGITS[checkValue(body)] !== compact[BODY_LENGTH]) {
    throw new AppError(
      'invalid_reference',
      'This reference has a typing mistake: please check each digit.',
    ).translatable('reference_check');
  }
  return compact;
}
