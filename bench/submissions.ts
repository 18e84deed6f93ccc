import { randomInt } from 'node:crypto';

/*
 * Submission bodies as citizens would send them: different people (phone numbers spread over the
 * Safaricom and Airtel ranges, so the citizens upsert mostly inserts), counties, services and
 * wording, so no cache or index page sees the same value twice in a row.
 */

const PREFIXES = ['0712', '0722', '0733', '0741', '0757', '0768', '0790', '0110'];
const NAMES = ['Wanjiku Kamau', 'Otieno Odhiambo', 'Amina Hassan', 'Kiprono Langat', 'Achieng Atieno'];
const PROBLEMS = [
  'My passport application has been pending for',
  'I was asked to pay an extra fee at the counter after waiting for',
  'The online system rejected my documents twice in',
  'Nobody answers the phone at the regional office, I have tried for',
  'My visa extension has not been processed after',
];
const SERVICES = ['passport', 'passport-replacement', undefined];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)] as T;

export function submissionBody(): string {
  const serviceCode = pick(SERVICES);
  // Half name the agency and type, half leave both to triage, as SMS and USSD submissions do.
  const named = randomInt(2) === 0;
  return JSON.stringify({
    ...(named ? { type: 'complaint', agencyCode: 'DIS' } : {}),
    description: `${pick(PROBLEMS)} ${2 + randomInt(60)} days. Receipt number ${randomInt(1e9)}.`,
    ...(named && serviceCode ? { serviceCode } : {}),
    county: String(1 + randomInt(47)).padStart(2, '0'),
    citizen: { name: pick(NAMES), phone: `${pick(PREFIXES)}${String(randomInt(1e6)).padStart(6, '0')}` },
  });
}
