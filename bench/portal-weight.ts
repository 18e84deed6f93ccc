import { type Browser, type Fetched, tagsOf } from './portal-browser.ts';

/*
 * What one portal page costs a citizen on a first visit, with nothing cached: the page itself and
 * every subresource it references (stylesheets and what they import, scripts, icons, the
 * manifest, images), each asked for with gzip, as a browser on a phone fetches them.
 */

export const BUDGET_BYTES = 60 * 1024;

export interface Subresource {
  url: string;
  /** Why the page loads it: `link rel=stylesheet`, `script src`, `url() in /portal/...`. */
  via: string;
  sameOrigin: boolean;
  /** Not fetched when off the origin; then 0. */
  status: number;
  bodyBytes: number;
  headerBytes: number;
  contentEncoding: string | undefined;
  cacheControl: string;
}

export interface PageWeight {
  name: string;
  request: string;
  status: number;
  /** The page and its subresources: 1 + subresources. */
  requests: number;
  htmlBytes: number;
  /** Bodies as they crossed the wire (compressed where the server compressed), page and subresources. */
  bytes: number;
  /** The response headers of all those requests, on top of `bytes`. */
  headerBytes: number;
  /** What still travels once the cacheable subresources are cached (their cache-control has max-age). */
  repeatVisitBytes: number;
  sameOrigin: boolean;
  verdict: 'PASS' | 'OVER';
  subresources: Subresource[];
  /** Links and form targets that leave the origin (navigation, not loaded with the page). */
  offOriginLinks: string[];
}

/** Weighs a page already fetched (the journey GETs or POSTs it); fetches its subresources. */
export async function weighPage(browser: Browser, name: string, page: Fetched): Promise<PageWeight> {
  const base = new URL(page.path, browser.origin);
  const subresources: Subresource[] = [];
  const seen = new Set<string>();
  const load = async (reference: string, via: string) => {
    const url = new URL(reference, base);
    if (!['http:', 'https:'].includes(url.protocol) || seen.has(url.href)) return;
    seen.add(url.href);
    const sameOrigin = url.origin === browser.origin;
    if (!sameOrigin) {
      subresources.push({
        url: url.href,
        via,
        sameOrigin,
        status: 0,
        bodyBytes: 0,
        headerBytes: 0,
        contentEncoding: undefined,
        cacheControl: '',
      });
      return;
    }
    const fetched = await browser.get(url.pathname + url.search);
    subresources.push({
      url: url.pathname + url.search,
      via,
      sameOrigin,
      status: fetched.status,
      bodyBytes: fetched.bodyBytes,
      headerBytes: fetched.headerBytes,
      contentEncoding: fetched.contentEncoding,
      cacheControl: fetched.cacheControl,
    });
    if (fetched.contentType.startsWith('text/css')) {
      for (const inner of cssReferences(fetched.text))
        await load(new URL(inner, url).href, `url() in ${url.pathname}`);
    }
  };
  for (const { url, via } of pageReferences(page.text)) await load(url, via);

  const bytes = page.bodyBytes + subresources.reduce((sum, s) => sum + s.bodyBytes, 0);
  const cached = subresources.filter((s) => cacheable(s.cacheControl));
  return {
    name,
    request: `${page.method} ${page.path}`,
    status: page.status,
    requests: 1 + subresources.length,
    htmlBytes: page.bodyBytes,
    bytes,
    headerBytes: page.headerBytes + subresources.reduce((sum, s) => sum + s.headerBytes, 0),
    repeatVisitBytes: bytes - cached.reduce((sum, s) => sum + s.bodyBytes, 0),
    sameOrigin: subresources.every((s) => s.sameOrigin),
    verdict: bytes <= BUDGET_BYTES ? 'PASS' : 'OVER',
    subresources,
    offOriginLinks: offOriginLinks(page.text, base, browser.origin),
  };
}

const LOADED_RELS = new Set([
  'stylesheet',
  'icon',
  'shortcut',
  'apple-touch-icon',
  'apple-touch-icon-precomposed',
  'manifest',
  'preload',
  'modulepreload',
  'prefetch',
]);

/** The URLs a browser loads with the page, in document order. */
export function pageReferences(markup: string): { url: string; via: string }[] {
  const found: { url: string; via: string }[] = [];
  const tags = tagsOf(markup, [
    'link',
    'script',
    'img',
    'source',
    'iframe',
    'video',
    'audio',
    'embed',
    'object',
    'input',
  ]);
  for (const { name, attributes } of tags) {
    const add = (attribute: string, url: string | undefined) => {
      if (url?.trim()) found.push({ url: url.trim(), via: `${name} ${attribute}` });
    };
    if (name === 'link') {
      const rels = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
      const rel = rels.find((r) => LOADED_RELS.has(r));
      if (rel) found.push({ url: attributes.get('href') ?? '', via: `link rel=${rels.join(' ')}` });
    } else if (name === 'input') {
      if (attributes.get('type')?.toLowerCase() === 'image') add('src', attributes.get('src'));
    } else if (name === 'object') {
      add('data', attributes.get('data'));
    } else {
      add('src', attributes.get('src'));
      add('poster', attributes.get('poster'));
      // A browser takes one candidate of a srcset; the first is counted.
      add('srcset', attributes.get('srcset')?.split(',')[0]?.trim().split(/\s+/)[0]);
    }
  }
  return found.filter((f) => f.url !== '');
}

/** url() and @import targets in a stylesheet, data: URLs aside. */
export function cssReferences(css: string): string[] {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const urls = [
    ...[...withoutComments.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/gi)].map((m) => m[2] ?? ''),
    ...[...withoutComments.matchAll(/@import\s+(['"])(.*?)\1/gi)].map((m) => m[2] ?? ''),
  ];
  return urls.filter((u) => u !== '' && !u.startsWith('data:') && !u.startsWith('#'));
}

function offOriginLinks(markup: string, base: URL, origin: string): string[] {
  const targets = tagsOf(markup, ['a', 'area', 'form', 'button']).flatMap(({ attributes }) =>
    ['href', 'action', 'formaction'].map((a) => attributes.get(a)).filter((v): v is string => Boolean(v)),
  );
  return targets
    .map((t) => new URL(t, base))
    .filter((u) => ['http:', 'https:'].includes(u.protocol) && u.origin !== origin)
    .map((u) => u.href);
}

function cacheable(cacheControl: string): boolean {
  if (/no-store|no-cache/i.test(cacheControl)) return false;
  const maxAge = /max-age=(\d+)/i.exec(cacheControl)?.[1];
  return maxAge !== undefined && Number(maxAge) > 0;
}

export interface OnceFigures {
  /** The manifest's icons (the browser fetches one or more when offering to install). */
  manifestIcons: { requests: number; bytes: number; sameOrigin: boolean };
  /** portal.js registers /sw.js, which precaches its shell in the background. */
  serviceWorker: { requests: number; bytes: number; sameOrigin: boolean; urls: string[] };
}

/** What a browser may fetch once, not with every page: the manifest's icons and the service worker's shell. */
export async function weighOnce(browser: Browser, manifestPath: string): Promise<OnceFigures> {
  const sum = async (paths: string[]) => {
    let bytes = 0;
    let sameOrigin = true;
    let requests = 0;
    for (const path of paths) {
      const url = new URL(path, browser.origin);
      requests++;
      if (url.origin !== browser.origin) {
        sameOrigin = false;
        continue;
      }
      bytes += (await browser.get(url.pathname + url.search)).bodyBytes;
    }
    return { requests, bytes, sameOrigin };
  };
  const manifest = await browser.get(manifestPath);
  const icons = (JSON.parse(manifest.text) as { icons?: { src: string }[] }).icons ?? [];
  const worker = await browser.get('/sw.js');
  // The shell list is the worker's own array of quoted paths.
  const shell = /SHELL\s*=\s*\[([\s\S]*?)\]/.exec(worker.text)?.[1] ?? '';
  const urls = [...shell.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
  const precache = await sum(urls);
  return {
    manifestIcons: await sum(icons.map((i) => i.src)),
    serviceWorker: {
      requests: 1 + precache.requests,
      bytes: worker.bodyBytes + precache.bytes,
      sameOrigin: precache.sameOrigin,
      urls: ['/sw.js', ...urls],
    },
  };
}
