import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { AttachmentDownload } from './model';

/**
 * Files in and out of the portal, by the same rules wherever they come from (a message's attachments, a
 * reply's files) or go to (the pages, the sender's API): names and types as stored, and downloads.
 */

/**
 * A file name as given, without any path, control characters, bidirectional overrides (which can disguise
 * its extension) or surrounding space.
 */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return name === '' || name === '.' || name === '..' ? 'attachment' : name.normalize('NFC');
}

export function cleanType(raw: string): string {
  const type = raw.toLowerCase().split(';')[0]?.trim() ?? '';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type) && type.length <= 100
    ? type
    : 'application/octet-stream';
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** Downloads are served with nothing allowed at all, should a browser ever render one. */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/** Streams a stored file as a download: never shown inline, never sniffed, never cached. */
export function sendDownload(reply: FastifyReply, file: AttachmentDownload): FastifyReply {
  return reply
    .status(200)
    .headers({
      'content-type': file.type,
      'content-length': String(file.size),
      'content-disposition': contentDisposition(file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': DOWNLOAD_CSP,
      'cache-control': 'no-store',
    })
    .send(Readable.from(file.chunks));
}
