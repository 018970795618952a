import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import { openStore, type OpenStoreOptions } from '../../src/server/store/open';
import type { NewPortalMessage, PortalChallenge, PortalSession } from '../../src/server/store/portal-store';
import { TABLES } from '../../src/server/store/schema';
import type { Store } from '../../src/server/store/store';
import type { PostgresCluster } from './postgres';

/**
 * Stores for tests over both databases: a fresh SQLite file, or a fresh database in a throwaway PostgreSQL
 * cluster (test/support/postgres.ts), and portal rows to put in them.
 */

export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

let databases = 0;

/** A URL for a new, empty database in the cluster. */
export function freshDatabase(cluster: PostgresCluster, prefix = 'store'): Promise<string> {
  return cluster.createDatabase(`${prefix}_${process.pid}_${++databases}`);
}

/** Deletes every row of a migrated database (faster than a new database per test). */
export async function emptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  } finally {
    await client.end();
  }
}

/** A store on an empty database: a new one at first, the same one emptied after that. */
export function reusedDatabase(cluster: () => PostgresCluster, prefix: string): () => Promise<Store> {
  let url: string | undefined;
  return async () => {
    if (url === undefined) url = await freshDatabase(cluster(), prefix);
    else await emptyDatabase(url);
    return openStore(url);
  };
}

/** Where a fresh store of this dialect lives: a new SQLite file, or a new database. */
export async function freshTarget(dialect: Dialect, cluster: () => PostgresCluster): Promise<string> {
  return dialect === 'sqlite'
    ? join(mkdtempSync(join(tmpdir(), 'tlsgate-store-')), 'store.db')
    : freshDatabase(cluster());
}

export async function freshStore(
  dialect: Dialect,
  cluster: () => PostgresCluster,
  options: OpenStoreOptions = {},
): Promise<Store> {
  return openStore(await freshTarget(dialect, cluster), options);
}

export const T = 1_750_000_000_000;
export const DAY = 86_400_000;
export const bytes = (text: string): Buffer => Buffer.from(text);

export function policy(overrides: Partial<OrgPolicy> = {}): OrgPolicy {
  return { ...DEFAULT_POLICY, ...overrides };
}

/** A portal message with a sender and `recipients` recipients, its link and sealed parts. */
export function newMessage(
  id: string,
  overrides: { at?: number; recipients?: number } = {},
): NewPortalMessage {
  const at = overrides.at ?? T;
  const recipients = overrides.recipients ?? 2;
  return {
    message: {
      id,
      sender: 'subject-alice',
      createdAt: at,
      expiresAt: at + 14 * DAY,
      maxExpiresAt: at + 30 * DAY,
      state: 'active',
      keyId: 'key-1',
      wrappedKey: bytes(`wrapped-${id}`),
      method: 'email-code',
      accessCodeHash: null,
      recipients,
      attachments: 1,
      replies: 0,
      lockedUntil: null,
      closedAt: null,
    },
    participants: [
      { index: 0, role: 'sender', addressHash: bytes(`sender-${id}`) },
      ...Array.from({ length: recipients }, (_, i) => ({
        index: i + 1,
        role: 'recipient' as const,
        addressHash: bytes(`rcpt-${i + 1}-${id}`),
      })),
    ],
    tokenHash: bytes(`token-${id}`),
    chunks: [
      { part: 'envelope', seq: 0, data: bytes(`envelope-${id}`) },
      { part: 'body', seq: 0, data: bytes(`body-${id}`) },
      { part: 'att:0', seq: 0, data: Buffer.alloc(1024 * 1024, 7) },
      { part: 'att:0', seq: 1, data: bytes(`tail-${id}`) },
    ],
  };
}

export function challenge(
  id: string,
  messageId: string,
  overrides: Partial<PortalChallenge> = {},
): PortalChallenge {
  return {
    idHash: bytes(id),
    messageId,
    participant: 1,
    codeHash: bytes(`code-${id}`),
    createdAt: T,
    expiresAt: T + 600_000,
    attempts: 0,
    spent: false,
    ...overrides,
  };
}

export function session(
  id: string,
  messageId: string,
  overrides: Partial<PortalSession> = {},
): PortalSession {
  return {
    idHash: bytes(id),
    messageId,
    participant: 1,
    role: 'recipient',
    createdAt: T,
    expiresAt: T + 3_600_000,
    openedAt: null,
    ...overrides,
  };
}
