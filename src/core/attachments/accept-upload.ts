import sharp from 'sharp';
import type { UploadType } from '../../db/schema.ts';
import { AppError } from '../errors.ts';

/** What a citizen may attach: photos and documents, small enough for a slow link. */
export const UPLOAD_LIMITS = {
  /** Bytes per file, as received. */
  maxBytes: 5 * 1024 * 1024,
  /** Files per submission or answer. */
  maxFiles: 3,
  /**
   * Pixels an image may have before it is even decoded (a decompression bomb is refused): a
   * 24-megapixel photo (6000 x 4000) passes, and decoding one takes about 100 MB for a moment.
   */
  maxPixels: 25_000_000,
  /** Longest side of a stored photo. */
  maxSide: 2048,
} as const;

export interface ReceivedFile {
  /** The name the citizen's device gave it. */
  name: string;
  bytes: Buffer;
  /** True when the upload was cut off at the size limit. */
  truncated?: boolean;
}

export interface AcceptedFile {
  name: string;
  contentType: UploadType;
  bytes: Buffer;
}

const problem = (key: string, message: string, values: Record<string, string | number> = {}) =>
  new AppError('invalid_input', message, [{ field: 'files', problem: message }]).translatable(key, values);

/**
 * Checks a file by its content, never by its name or the type the browser claimed, and re-encodes
 * photos: the stored image is a new JPEG or PNG with no EXIF, XMP or ICC data, so a photo taken on
 * a phone does not leak where it was taken or on which device. EXIF orientation is applied first,
 * so the photo still shows the right way up. PDFs are kept as sent (docs/portal.md says why).
 */
export async function acceptUpload(file: ReceivedFile): Promise<AcceptedFile> {
  const mb = UPLOAD_LIMITS.maxBytes / 1024 / 1024;
  if (file.truncated || file.bytes.length > UPLOAD_LIMITS.maxBytes) {
    throw problem('portal.files.too_large', `"${safeName(file.name)}" is larger than ${mb} MB`, {
      name: safeName(file.name),
      mb,
    });
  }
  if (file.bytes.length === 0) {
    throw problem('portal.files.empty', `"${safeName(file.name)}" is empty`, { name: safeName(file.name) });
  }
  if (file.bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { name: withExtension(file.name, 'pdf'), contentType: 'application/pdf', bytes: file.bytes };
  }
  let format: string | undefined;
  try {
    format = (await sharp(file.bytes, { limitInputPixels: UPLOAD_LIMITS.maxPixels }).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !['jpeg', 'png', 'webp', 'gif'].includes(format)) {
    throw problem(
      'portal.files.wrong_type',
      `"${safeName(file.name)}" is not a photo (JPEG, PNG, WebP, GIF) or a PDF document`,
      { name: safeName(file.name) },
    );
  }
  try {
    const image = sharp(file.bytes, { limitInputPixels: UPLOAD_LIMITS.maxPixels, failOn: 'error' })
      .rotate()
      .resize({
        width: UPLOAD_LIMITS.maxSide,
        height: UPLOAD_LIMITS.maxSide,
        fit: 'inside',
        withoutEnlargement: true,
      });
    // sharp writes no metadata unless asked (withMetadata/keepExif): the output is clean.
    if (format === 'png') {
      return {
        name: withExtension(file.name, 'png'),
        contentType: 'image/png',
        bytes: await image.png().toBuffer(),
      };
    }
    return {
      name: withExtension(file.name, 'jpg'),
      contentType: 'image/jpeg',
      bytes: await image.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true }).toBuffer(),
    };
  } catch {
    throw problem('portal.files.unreadable', `"${safeName(file.name)}" could not be read as an image`, {
      name: safeName(file.name),
    });
  }
}

/** A file name without any path, control characters or markup, at most 100 characters. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}<>"'`]/gu, '')
    .trim()
    .slice(0, 100);
  return cleaned || 'file';
}

function withExtension(name: string, extension: string): string {
  const base = safeName(name).replace(/\.[^.]{1,5}$/, '');
  return `${base.slice(0, 90) || 'file'}.${extension}`;
}
