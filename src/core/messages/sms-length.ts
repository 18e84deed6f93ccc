/*
 * How long an SMS is on the air. A text in the GSM 03.38 alphabet goes as 7-bit characters: 160 in
 * one part, 153 per part once split (the rest carries the joining header), the extension characters
 * (^ { } \ [ ] ~ | €) counting twice. Any other character sends the whole text as UCS-2: 70 in one
 * part, 67 per part. Baraza sends at most three parts.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[]~|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export const MAX_SMS_PARTS = 3;

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  parts: number;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENDED.has(char)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'ucs2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'gsm7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/**
 * Renders a message around a variable part (an officer's words) and shortens only that part, at a
 * word where it can, until the whole fits in three parts. The fixed words (the reference, what to
 * do next) are never cut.
 */
export function fitSms(render: (variable: string) => string, variable: string): string {
  const whole = render(variable);
  if (smsLength(whole).parts <= MAX_SMS_PARTS) return whole;
  let low = 0;
  let high = variable.length;
  // The longest prefix that fits, found by halving: the length is monotonic in the prefix.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (smsLength(render(shorten(variable, middle))).parts <= MAX_SMS_PARTS) low = middle;
    else high = middle - 1;
  }
  return render(shorten(variable, low));
}

function shorten(text: string, length: number): string {
  if (length >= text.length) return text;
  if (length <= 3) return '';
  const cut = text.slice(0, Math.max(0, length - 3));
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}...`;
}
