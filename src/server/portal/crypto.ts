import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * AES-256-GCM as the portal uses it. A sealed box is nonce (12) || ciphertext || tag (16). Every box is
 * bound by its additional data to the message id and the part it holds, so a box moved to another message
 * or part, reordered, or cut short fails to open. Nonces are random: a data key seals at most a few
 * hundred boxes, far below the 2^32 where random 96-bit nonces start to risk a repeat.
 */

const NONCE = 12;
const TAG = 16;

/** Parts are sealed in chunks of this size, so downloads stream with bounded memory. */
export const CHUNK_SIZE = 1024 * 1024;

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function seal(key: Buffer, aad: string, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([nonce, body, final, cipher.getAuthTag()]);
}

/** Throws when the box was altered, is bound to other data, or the key is wrong. */
export function open(key: Buffer, aad: string, box: Buffer): Buffer {
  if (box.length < NONCE + TAG) throw new Error('sealed box too short');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(box.subarray(box.length - TAG));
  const body = decipher.update(box.subarray(NONCE, box.length - TAG));
  return Buffer.concat([body, decipher.final()]);
}

/** Additional data of one chunk: the last chunk says so, so dropping trailing chunks is detected. */
export function chunkAad(messageId: string, part: string, seq: number, last: boolean): string {
  return `tlsgate-portal/v1\0${messageId}\0${part}\0${seq}\0${last ? 1 : 0}`;
}

/** Seals a part that arrives in pieces (an upload), one chunk per CHUNK_SIZE bytes. */
export class PartSealer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  readonly chunks: Buffer[] = [];
  bytes = 0;

  constructor(
    private readonly key: Buffer,
    private readonly messageId: string,
    private readonly part: string,
  ) {}

  push(data: Buffer): void {
    this.bytes += data.length;
    let offset = 0;
    // Keep at least one byte pending: the last chunk is sealed as last by finish().
    while (this.pendingBytes + data.length - offset > CHUNK_SIZE) {
      const take = CHUNK_SIZE - this.pendingBytes;
      this.pending.push(data.subarray(offset, offset + take));
      offset += take;
      this.sealChunk(Buffer.concat(this.pending), false);
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (offset < data.length) {
      this.pending.push(data.subarray(offset));
      this.pendingBytes += data.length - offset;
    }
  }

  finish(): Buffer[] {
    this.sealChunk(Buffer.concat(this.pending), true);
    this.pending = [];
    this.pendingBytes = 0;
    return this.chunks;
  }

  private sealChunk(data: Buffer, last: boolean): void {
    this.chunks.push(seal(this.key, chunkAad(this.messageId, this.part, this.chunks.length, last), data));
  }
}

export function sealPart(key: Buffer, messageId: string, part: string, plaintext: Buffer): Buffer[] {
  const sealer = new PartSealer(key, messageId, part);
  sealer.push(plaintext);
  return sealer.finish();
}

export function openChunk(
  key: Buffer,
  messageId: string,
  part: string,
  seq: number,
  last: boolean,
  box: Buffer,
): Buffer {
  return open(key, chunkAad(messageId, part, seq, last), box);
}

export function openPart(key: Buffer, messageId: string, part: string, chunks: readonly Buffer[]): Buffer {
  if (chunks.length === 0) throw new Error(`part ${part} is missing`);
  return Buffer.concat(
    chunks.map((box, seq) => openChunk(key, messageId, part, seq, seq === chunks.length - 1, box)),
  );
}

/** HMAC-SHA256 over fields joined unambiguously (each is length-prefixed). */
export function mac(key: Buffer, ...fields: string[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const field of fields) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return hmac.digest();
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
