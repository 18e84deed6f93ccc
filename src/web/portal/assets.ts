import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const read = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));

const css = read('portal.css');
const js = read('portal.js');
/** Changes whenever the CSS or script does, so browsers may cache them for a year. */
export const ASSET_VERSION = createHash('sha256').update(css).update(js).digest('hex').slice(0, 10);

export interface Asset {
  body: Buffer;
  /** Compressed once at start: these never change while running. */
  gzip: Buffer;
  type: string;
  immutable: boolean;
}

const asset = (body: Buffer, type: string, immutable = true): Asset => ({
  body,
  gzip: gzipSync(body, { level: 9 }),
  type,
  immutable,
});

export const ASSETS: Record<string, Asset> = {
  'portal.css': asset(css, 'text/css; charset=utf-8'),
  'portal.js': asset(js, 'text/javascript; charset=utf-8'),
  'icon.svg': asset(read('icon.svg'), 'image/svg+xml', false),
  'icon-192.png': asset(read('icon-192.png'), 'image/png', false),
  'icon-512.png': asset(read('icon-512.png'), 'image/png', false),
};

export const SERVICE_WORKER = asset(
  Buffer.from(read('sw.js').toString().replaceAll('__VERSION__', ASSET_VERSION)),
  'text/javascript; charset=utf-8',
  false,
);

export function manifest(language: 'en' | 'sw', description: string): string {
  return JSON.stringify({
    name: 'Baraza',
    short_name: 'Baraza',
    description,
    lang: language,
    start_url: '/?source=app',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#0b6b3a',
    icons: [
      { src: '/portal/assets/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/portal/assets/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/portal/assets/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  });
}
