import { ApiError } from '../errors';
import type { PortalMessage } from '../store/portal-store';
import { openChunk } from './crypto';
import type { MessageAccess } from './messages';
import { replyFilePart, type AttachmentDownload, type FileMeta, type StoredReply } from './model';

/**
 * Reading stored replies and serving stored files, for the recipient's and sender's pages (reading.ts) and
 * the sender's API (sender.ts) alike.
 */

export interface NumberedReply extends StoredReply {
  /** The reply's number within the message, from 1. */
  id: number;
  part: string;
}

/** The message's replies, decrypted, in the order they came. */
export async function readReplies(
  access: MessageAccess,
  message: PortalMessage,
  key: Buffer,
): Promise<NumberedReply[]> {
  const out: NumberedReply[] = [];
  for (const { id, part } of await access.store.replies(message.id))
    out.push({ ...(await access.readJson<StoredReply>(message, key, part)), id, part });
  return out;
}

/**
 * A stored file's name, type and size, and its plaintext chunk by chunk (each one authenticated as it is
 * read); the download is recorded. Null when the part is missing.
 */
export async function download(
  access: MessageAccess,
  message: PortalMessage,
  key: Buffer,
  part: string,
  meta: FileMeta,
  participant: number,
  detail: Record<string, number>,
): Promise<AttachmentDownload | null> {
  const { store, now } = access;
  const count = await store.chunkCount(message.id, part);
  if (count === 0) return null;
  await store.addEvent(message.id, { at: now(), kind: 'downloaded', participant, detail });
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < count; seq++) {
      const box = await store.getChunk(message.id, part, seq);
      if (!box) throw new ApiError('MESSAGE_CLOSED', 'The message was closed during the download.');
      yield openChunk(key, message.id, part, seq, seq === count - 1, box);
    }
  }
  return { ...meta, chunks: chunks() };
}

/**
 * File `index` of reply `replyId`, for `participant` (0 the sender), if `mayRead` lets them read that reply;
 * null for a reply or file that does not exist, and for one they may not read, alike.
 */
export async function openReplyFile(
  access: MessageAccess,
  message: PortalMessage,
  replyId: number,
  index: number,
  participant: number,
  mayRead: (reply: StoredReply) => boolean,
): Promise<AttachmentDownload | null> {
  // First: a closed message is MESSAGE_CLOSED, not a missing file.
  const key = access.dataKey(message);
  const found = (await access.store.replies(message.id)).find((r) => r.id === replyId);
  if (!found) return null;
  const reply = await access.readJson<StoredReply>(message, key, found.part);
  const meta = reply.attachments?.[index];
  if (!meta || !mayRead(reply)) return null;
  return download(access, message, key, replyFilePart(found.part, index), meta, participant, {
    reply: replyId,
    attachment: index,
  });
}
