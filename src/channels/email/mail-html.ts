import type { Language } from '../../db/schema.ts';
import { html } from '../../web/html.ts';

/**
 * The HTML part of an e-mail to a citizen: the same words as the text part, in paragraphs, in a
 * page that reads on any mail client (no images, no remote styles, the language declared).
 */
export function mailHtml(subject: string, text: string, language: Language | null): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  return html`<!doctype html><html lang="${language ?? 'en'}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 40em; margin: 0 auto; padding: 1em;">
<p style="font-weight: bold; color: #0b6b3a;">Baraza</p>
<h1 style="font-size: 1.25em;">${subject}</h1>
${paragraphs.map((p) => html`<p style="white-space: pre-line;">${p}</p>`)}
</body></html>`.toString();
}
