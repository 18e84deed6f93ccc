import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { invalidInput } from '../errors.ts';

/**
 * Returns the number in E.164 (+254712345678), reading national forms as Kenyan: 0712..., 712...,
 * 254712..., +254 712 ..., 0110.... Rejects what is not a valid number anywhere, with the reason.
 */
export function normalisePhone(input: string, field = 'phone'): string {
  const trimmed = input.trim();
  // "254712345678" without the plus is how M-Pesa and many forms write it.
  const candidate = /^254\d{9}$/.test(trimmed.replace(/[\s\-()]/g, '')) ? `+${trimmed}` : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, 'KE');
  if (!parsed) throw invalidInput(field, `"${input}" is not a phone number`);
  if (!parsed.isValid()) {
    throw invalidInput(
      field,
      `"${input}" is not a valid phone number (a Kenyan mobile looks like 0712 345 678)`,
    );
  }
  return parsed.number;
}
