import { randomBytes, randomInt } from 'node:crypto';

/*
 * Inbound SMS as Africa's Talking posts them: form fields, a fresh gateway id each time (so every
 * request is a new message, not a repeat), senders spread over the Safaricom and Airtel ranges,
 * reports in English and Kiswahili that no keyword catches, so each one becomes a case.
 */

const PREFIXES = ['+254712', '+254722', '+254733', '+254741', '+254757', '+254768', '+254790', '+254110'];
const REPORTS = [
  'No water in Kibera since Monday, the tank at the chief camp is empty',
  'Maji hayatoki Kibera tangu wiki iliyopita, tafadhali tusaidieni',
  'My ID card application has been pending at the Huduma Centre for',
  'Barabara ya kwenda hospitali imeharibika kabisa, magari hayapiti kwa siku',
  'The officer at the registry asked me for money to release my file after',
];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)] as T;

export function inboundSmsBody(): string {
  return new URLSearchParams({
    date: new Date().toISOString().slice(0, 19).replace('T', ' '),
    from: `${pick(PREFIXES)}${String(randomInt(1e6)).padStart(6, '0')}`,
    to: '20202',
    text: `${pick(REPORTS)} ${2 + randomInt(60)} days. Ref ${randomInt(1e9)}`,
    id: `ATXid_${randomBytes(16).toString('hex')}`,
    linkId: '',
    networkCode: pick(['63902', '63903']),
  }).toString();
}
