import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Asset } from '../portal/assets.ts';

const read = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));

const css = read('console.css');
const js = read('console.js');
/** Changes whenever the style sheet or script does, so browsers may cache them for a year. */
export const CONSOLE_ASSET_VERSION = createHash('sha256').update(css).update(js).digest('hex').slice(0, 10);

export const CONSOLE_ASSETS: Record<string, Asset> = {
  'console.css': {
    body: css,
    gzip: gzipSync(css, { level: 9 }),
    type: 'text/css; charset=utf-8',
    immutable: true,
  },
  'console.js': {
    body: js,
    gzip: gzipSync(js, { level: 9 }),
    type: 'text/javascript; charset=utf-8',
    immutable: true,
  },
};
