import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/*
 * Just enough of a browser for the portal's weight figures: it keeps cookies, asks for gzip, sends
 * forms as browsers encode them (Origin: this origin, Sec-Fetch-Site: same-origin), and records
 * what crossed the wire. HTML is read with regular expressions: the portal's own markup is
 * regular, and a parser would be a new dependency.
 */

export interface Fetched {
  method: string;
  /** Path and query on the server's origin. */
  path: string;
  status: number;
  contentType: string;
  cacheControl: string;
  contentEncoding: string | undefined;
  /** The body as it crossed the wire: compressed when the server compressed it. */
  bodyBytes: number;
  /** The status line and response headers. */
  headerBytes: number;
  /** The body decoded, as text. */
  text: string;
}

export type FormFields = [string, string][];

export class Browser {
  private readonly cookies = new Map<string, string>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 6 });

  constructor(readonly origin: string) {}

  get(path: string, options: { cookies?: boolean } = {}): Promise<Fetched> {
    return this.send('GET', path, undefined, options);
  }

  /** Posts a form the way a browser encodes it: urlencoded, or multipart for enctype="multipart/form-data". */
  async post(path: string, fields: FormFields, multipart = false): Promise<Fetched> {
    if (!multipart) {
      return this.send('POST', path, {
        type: 'application/x-www-form-urlencoded',
        bytes: Buffer.from(new URLSearchParams(fields).toString()),
      });
    }
    const data = new FormData();
    for (const [name, value] of fields) data.append(name, value);
    // A file input with nothing chosen still sends an empty part, as browsers do.
    data.append('upload', new Blob([], { type: 'application/octet-stream' }), '');
    const encoded = new Response(data);
    return this.send('POST', path, {
      type: encoded.headers.get('content-type') ?? 'multipart/form-data',
      bytes: Buffer.from(await encoded.arrayBuffer()),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(
    method: 'GET' | 'POST',
    path: string,
    body?: { type: string; bytes: Buffer },
    options: { cookies?: boolean } = {},
  ): Promise<Fetched> {
    const headers: Record<string, string> = {
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      'accept-encoding': 'gzip',
      'accept-language': 'en',
      'user-agent': 'baraza-bench',
    };
    if (options.cookies !== false && this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (body) {
      // A browser names the page's origin on a form post; the portal refuses posts from other sites.
      headers.origin = this.origin;
      headers['sec-fetch-site'] = 'same-origin';
      headers['content-type'] = body.type;
      headers['content-length'] = String(body.bytes.length);
    }
    return new Promise((resolve, reject) => {
      const request = http.request(
        new URL(path, this.origin),
        { method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            for (const line of res.headers['set-cookie'] ?? []) this.remember(line);
            let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n`.length;
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              headerBytes += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`.length;
            }
            resolve({
              method,
              path,
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'] ?? '',
              cacheControl: String(res.headers['cache-control'] ?? ''),
              contentEncoding: encoding,
              bodyBytes: raw.length,
              headerBytes,
              text: (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
            });
          });
        },
      );
      request.on('error', reject);
      request.end(body?.bytes);
    });
  }

  private remember(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const at = pair.indexOf('=');
    if (at < 1) return;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (value === '' || expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

export interface Tag {
  name: string;
  attributes: Map<string, string>;
}

const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Every start tag with one of the given names, attributes decoded. */
export function tagsOf(markup: string, names: string[]): Tag[] {
  const pattern = new RegExp(`<(${names.join('|')})\\b((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'gi');
  return [...markup.matchAll(pattern)].map((m) => ({
    name: (m[1] ?? '').toLowerCase(),
    attributes: attributesOf(m[2] ?? ''),
  }));
}

function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[entity.toLowerCase()] ?? whole;
  });
}

export interface SubmitButton {
  name: string;
  value: string;
  /** Where pressing it sends the form, and how: its formaction and formenctype, else the form's. */
  action: string;
  multipart: boolean;
}

/**
 * What a browser would send for the form with this id: its successful controls (hidden and text
 * inputs, checked radios and boxes, textareas, selected options), without any button: the caller
 * presses one of `buttons`, which adds its name and value and may send the form elsewhere.
 */
export function readForm(
  markup: string,
  id: string,
): { action: string; multipart: boolean; fields: FormFields; buttons: SubmitButton[] } {
  const forms = [...markup.matchAll(/<form\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/form>/gi)];
  const found = forms.find((m) => attributesOf(m[1] ?? '').get('id') === id);
  if (!found) throw new Error(`no form with id "${id}" on the page`);
  const form = attributesOf(found[1] ?? '');
  const inner = found[2] ?? '';
  const action = form.get('action') ?? '';
  const multipart = (form.get('enctype') ?? '').toLowerCase() === 'multipart/form-data';
  const fields: FormFields = [];
  const controls = /<(input|textarea|select)\b((?:[^>"']|"[^"]*"|'[^']*')*)>(?:([\s\S]*?)<\/\1>)?/gi;
  for (const m of inner.matchAll(controls)) {
    const kind = (m[1] ?? '').toLowerCase();
    const attributes = attributesOf(m[2] ?? '');
    const name = attributes.get('name');
    if (!name || attributes.has('disabled')) continue;
    if (kind === 'textarea') {
      fields.push([name, decodeEntities(m[3] ?? '')]);
    } else if (kind === 'select') {
      const options = tagsOf(m[3] ?? '', ['option']);
      const chosen = options.find((o) => o.attributes.has('selected')) ?? options[0];
      if (chosen) fields.push([name, chosen.attributes.get('value') ?? '']);
    } else {
      const type = (attributes.get('type') ?? 'text').toLowerCase();
      if (['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue;
      if ((type === 'radio' || type === 'checkbox') && !attributes.has('checked')) continue;
      fields.push([name, attributes.get('value') ?? (type === 'radio' || type === 'checkbox' ? 'on' : '')]);
    }
  }
  const buttons: SubmitButton[] = [];
  for (const { name, attributes } of tagsOf(inner, ['button', 'input'])) {
    const type = (attributes.get('type') ?? (name === 'button' ? 'submit' : 'text')).toLowerCase();
    if (type !== 'submit' || attributes.has('disabled')) continue;
    const enctype = attributes.get('formenctype');
    buttons.push({
      name: attributes.get('name') ?? '',
      value: attributes.get('value') ?? '',
      action: attributes.get('formaction') ?? action,
      multipart: enctype === undefined ? multipart : enctype.toLowerCase() === 'multipart/form-data',
    });
  }
  return { action, multipart, fields, buttons };
}

/** Sets a field (replacing every value it had) or adds it. */
export function setField(fields: FormFields, name: string, value: string): FormFields {
  return [...fields.filter(([n]) => n !== name), [name, value]];
}

/** The values a radio group offers, in page order. */
export function radioValues(markup: string, name: string): string[] {
  return tagsOf(markup, ['input'])
    .filter((t) => t.attributes.get('type') === 'radio' && t.attributes.get('name') === name)
    .map((t) => t.attributes.get('value') ?? '');
}
