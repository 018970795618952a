import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PortalConfig } from '../config';
import { open, seal } from './crypto';

/**
 * The portal's master keys. The current key wraps new data keys; every configured key unwraps, found by
 * the key id stored beside each wrapped key, so keys can be rotated without re-encrypting. Nothing uses a
 * master key directly: purpose keys are derived from it with HKDF, so a leak of one (say the cookie
 * secret) reveals neither the key-encryption key nor the others.
 */

export const KEY_FILE = 'portal-master.key';

export interface MasterKey {
  /** Stored with each wrapped data key; derived from the key, so it needs no configuration. */
  id: string;
  /** Key-encryption key: wraps data keys (AES-256-GCM). */
  kek: Buffer;
  /** Hashes recipient addresses, codes and access codes (HMAC-SHA256). */
  hmac: Buffer;
}

export interface KeyRing {
  current: MasterKey;
  find(id: string): MasterKey | undefined;
  /** Signs portal cookies; earlier keys' secrets still verify, so a rotation signs no one out. */
  cookieSecrets: string[];
  /** Binds CSRF tokens to their session or sign-in flow. */
  csrf: Buffer;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `tlsgate portal ${purpose}`, 32));
}

export function masterKey(raw: Buffer): MasterKey {
  if (raw.length !== 32) throw new Error('a portal master key is 32 bytes');
  return {
    id: createHash('sha256').update(derive(raw, 'key id')).digest('hex').slice(0, 16),
    kek: derive(raw, 'wrap'),
    hmac: derive(raw, 'hmac'),
  };
}

export function keyRing(current: Buffer, previous: readonly Buffer[] = []): KeyRing {
  const all = [current, ...previous];
  const byId = new Map(all.map((raw) => masterKey(raw)).map((key) => [key.id, key]));
  const currentKey = masterKey(current);
  return {
    current: currentKey,
    find: (id) => byId.get(id),
    cookieSecrets: all.map((raw) => derive(raw, 'cookie').toString('base64url')),
    csrf: derive(current, 'csrf'),
  };
}

function wrapAad(messageId: string, keyId: string): string {
  return `tlsgate-portal/v1\0dek\0${messageId}\0${keyId}`;
}

export function wrapDataKey(key: MasterKey, messageId: string, dataKey: Buffer): Buffer {
  return seal(key.kek, wrapAad(messageId, key.id), dataKey);
}

/** The message's data key, or null when its master key is not configured (or the wrapping was altered). */
export function unwrapDataKey(
  ring: KeyRing,
  keyId: string,
  messageId: string,
  wrapped: Buffer,
): Buffer | null {
  const key = ring.find(keyId);
  if (!key) return null;
  try {
    return open(key.kek, wrapAad(messageId, keyId), wrapped);
  } catch {
    return null;
  }
}

export interface LoadedKeys {
  ring: KeyRing;
  /** Where the current key came from. */
  source: 'env' | 'file';
  file: string;
  created: boolean;
}

function parseKeyFile(path: string): Buffer {
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0) throw new Error(`${path} can be read by other users; run: chmod 600 ${path}`);
  const text = readFileSync(path, 'utf8').trim();
  const raw = Buffer.from(text, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== text)
    throw new Error(`${path} does not hold a 32-byte base64 key`);
  return raw;
}

/**
 * TLSGATE_MASTER_KEY, or else the key file in the data folder, created (mode 0600) on first start. A key
 * file left behind after switching to TLSGATE_MASTER_KEY still unwraps the messages it wrapped.
 */
export function loadMasterKeys(config: PortalConfig, dataDir: string): LoadedKeys {
  const file = join(dataDir, KEY_FILE);
  let fileKey: Buffer | null = null;
  let created = false;
  try {
    fileKey = parseKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!fileKey && !config.masterKey) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const raw = randomBytes(32);
    try {
      // 'wx': never overwrite a key another process has just written.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${raw.toString('base64')}\n`);
      } finally {
        closeSync(fd);
      }
      fileKey = raw;
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fileKey = parseKeyFile(file);
    }
  }
  const current = config.masterKey ?? fileKey;
  if (!current) throw new Error('no portal master key');
  const previous = [...config.previousKeys];
  if (fileKey && config.masterKey && !fileKey.equals(config.masterKey)) previous.push(fileKey);
  return { ring: keyRing(current, previous), source: config.masterKey ? 'env' : 'file', file, created };
}
