import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CitizenIdentity, OutboundChannel } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { normalisePhone } from './normalise-phone.ts';

/** Where a one-time code goes, and who the citizen is once they give it back. */
export interface Destination {
  identity: CitizenIdentity;
  channel: OutboundChannel;
  /** E.164 or a lower-case e-mail address. */
  recipient: string;
  /** Shown back to the citizen: enough to recognise, too little to copy (+254 7•• ••• 678). */
  masked: string;
}

/** An e-mail address Baraza will write to: one @, a dotted domain, nothing a mail header would choke on. */
export const EMAIL = /^[^\s@<>()[\]",;:]{1,64}@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:.]{2,}$/;
// Numbers an SMS can reach. Types libphonenumber cannot tell (undefined) get the benefit of the doubt.
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER', 'VOIP']);

const badDestination = (problem: string, key = 'signIn.errors.destination') =>
  new AppError('invalid_input', `destination: ${problem}`, [{ field: 'destination', problem }]).translatable(
    key,
  );

/**
 * Reads what the citizen typed: an e-mail address (anything with an @), else a phone number in any
 * Kenyan or international shape. A number that cannot receive SMS (a landline) is refused, since
 * the code would never arrive.
 */
export function parseDestination(input: string): Destination {
  const trimmed = input.trim();
  if (trimmed === '') throw badDestination('give a mobile number or an e-mail address');
  if (trimmed.includes('@')) {
    const email = trimmed.toLowerCase();
    if (email.length > 254 || !EMAIL.test(email))
      throw badDestination(`"${trimmed}" is not an e-mail address`);
    return { identity: `email:${email}`, channel: 'email', recipient: email, masked: maskEmail(email) };
  }
  let phone: string;
  try {
    phone = normalisePhone(trimmed, 'destination');
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw badDestination(`"${trimmed}" is neither a phone number nor an e-mail address`);
  }
  const parsed = parsePhoneNumberFromString(phone);
  const type = parsed?.getType();
  if (type !== undefined && !TEXTABLE.has(type)) {
    throw badDestination(`${phone} cannot receive SMS; give a mobile number`, 'signIn.errors.not_mobile');
  }
  return { identity: `phone:${phone}`, channel: 'sms', recipient: phone, masked: maskPhone(phone) };
}

/** The phone number or e-mail address inside an identity. */
export function identityParts(identity: CitizenIdentity): { kind: 'phone' | 'email'; value: string } {
  const colon = identity.indexOf(':');
  return { kind: identity.slice(0, colon) as 'phone' | 'email', value: identity.slice(colon + 1) };
}

/** +254712345678 -> "+254 7•• ••• 678": the first digit (the network) and the last three. */
function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed?.countryCallingCode ?? '';
  const national = parsed?.nationalNumber ?? e164.replace(/^\+/, '');
  const digits = [...national].map((digit, i) => (i === 0 || i >= national.length - 3 ? digit : '•'));
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3).join(''));
  return `+${country} ${groups.join(' ')}`;
}

/** jane@example.org -> "j•••@example.org". */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}
