/**
 * `tlsgate migrate-store`: a filled SQLite store copied into an empty PostgreSQL database reads back the
 * same through the store interfaces; a database that holds data is refused; nothing but counts is printed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';
import { openStore } from '../../src/server/store/open';
import { TABLES } from '../../src/server/store/schema';
import type { Store } from '../../src/server/store/store';
import { verdict } from '../support/health-contract';
import { usePostgres } from '../support/postgres';
import { bytes, challenge, DAY, freshDatabase, newMessage, policy, session, T } from '../support/stores';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

const cluster = usePostgres();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: { write: (text: string) => out.push(text), isTTY: false },
    stderr: { write: (text: string) => err.push(text) },
    env: {},
  };
  return { out, err, io };
}

/** A SQLite store with something in every table. */
async function filledSqlite(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-migrate-')), 'tlsgate.db');
  const store = await openStore(path);
  await store.putPolicy(
    policy({ forcedTlsDomains: [{ domain: 'bank.example', level: 'encryption-only' }] }),
    0,
    'alice',
    [],
  );
  await store.putPolicy(policy({ portal: true }), 1, 'bob', [], 'Rolled back to version 1');
  await store.putReport({
    domain: 'example.org',
    json: '{"status":"none"}',
    checkedAt: T,
    expiresAt: T + DAY,
    staleUntil: T + 2 * DAY,
  });
  const portal = store.portal!;
  await portal.createMessage(newMessage('m1'));
  await portal.createMessage(newMessage('m2', { at: T + 1 }));
  await portal.addLink(bytes('sender-link'), 'm1', 'sender', T);
  await portal.addReply(
    'm1',
    { part: 'reply:a', chunks: [{ part: 'reply:a', seq: 0, data: bytes('sealed-reply') }], files: 0 },
    1,
    T + 2,
  );
  await portal.putChallenge(challenge('c1', 'm1'));
  await portal.recordFailure(bytes('c1'), 'm1', 1, T + 3, T, [bytes('ip-key')]);
  await portal.createSession(session('s1', 'm1'));
  await portal.addEvent('m1', { at: T + 4, kind: 'opened', participant: 1, detail: null });
  const activity = store.activity!;
  await activity.record({
    at: T,
    decision: 'warned',
    riskyDomains: ['plain.example'],
    detectionTypes: ['iban'],
    riskyAddresses: ['x@plain.example'],
  });
  await activity.recordPending('attempt-1', T + 5);
  await store.health!.recordCheck({ domain: 'bank.example', at: T, verdict: verdict('failing') }, (event) => [
    { channel: 'webhook', payload: { event } },
  ]);
  await store.close();
  return path;
}

/** What a store holds, read through its interfaces only. */
async function contents(store: Store) {
  const portal = store.portal!;
  const activity = store.activity!;
  return {
    report: await store.getReport('example.org'),
    policy: await store.getPolicy(),
    audit: await store.policyAudit(10),
    v1: await store.policyVersion(1),
    messages: await portal.listMessages('subject-alice', 10),
    link: await portal.findLink(bytes('sender-link')),
    participants: await portal.participants('m1'),
    attachment: await portal.readPart('m1', 'att:0'),
    reply: await portal.readPart('m1', 'reply:a'),
    replies: await portal.replies('m1'),
    challenge: await portal.getChallenge(bytes('c1')),
    locked: await portal.throttleLocked([bytes('ip-key')], T),
    session: await portal.getSession(bytes('s1')),
    events: await portal.events('m1', 10),
    opens: await portal.opens('m1'),
    summary: await activity.summary('2025-06-15', '2025-06-15', 5),
    warnedDomains: await activity.warnedDomains('2025-06-15', '2025-06-15', 5),
    health: await store.health!.list(),
    samples: await store.health!.samples(0),
  };
}

describe('tlsgate migrate-store', () => {
  it('copies every table into an empty PostgreSQL store, printing counts only', async () => {
    const from = await filledSqlite();
    const to = await freshDatabase(cluster(), 'migrate');
    const { out, err, io } = capture();
    expect(await runCli(['migrate-store', '--from', from, '--to', to], io)).toBe(0);
    expect(err).toEqual([]);
    const lines = out.join('').trim().split('\n');
    const counts = Object.fromEntries(
      lines.slice(0, -1).map((line) => line.split(/\s+/) as [string, string]),
    );
    expect(counts).toMatchObject({
      domain_reports: '1',
      policy: '1',
      policy_audit: '2',
      portal_messages: '2',
      portal_chunks: '9',
      portal_events: '5',
      portal_replies: '1',
      activity_pending: '1',
      activity_domain_decisions: '1',
    });
    // Table names and numbers, nothing of the rows.
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[a-z_]+ +\d+$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^Copied \\d+ rows in ${TABLES.length} tables\\.$`));

    const sqlite = await openStore(from);
    const postgres = await openStore(to);
    try {
      const [expected, copied] = [await contents(sqlite), await contents(postgres)];
      expect(copied).toEqual(expected);
      expect(copied.attachment[0]?.equals(Buffer.alloc(1024 * 1024, 7))).toBe(true);
      // New rows follow the copied ones.
      await postgres.portal!.addEvent('m1', { at: T + 4, kind: 'downloaded', participant: 1, detail: null });
      expect((await postgres.portal!.events('m1', 1))[0]?.kind).toBe('downloaded');
      expect(await postgres.portal!.addReply('m1', { part: 'reply:b', chunks: [], files: 0 }, 1, T + 6)).toBe(
        2,
      );
      // The copied alert is still due; a new one is numbered after it.
      const [copiedAlert] = await postgres.health!.claimAlerts(T, 1000, 10);
      expect(copiedAlert).toMatchObject({ channel: 'webhook', attempts: 1 });
      await postgres.health!.enqueueAlerts([{ channel: 'email', payload: {} }], T + 1);
      const [next] = await postgres.health!.claimAlerts(T + 1, 1000, 10);
      expect(next?.id).toBeGreaterThan(copiedAlert?.id ?? Infinity);
      await postgres.activity!.promotePending(T + 10);
      expect(
        (await postgres.activity!.summary('2025-06-15', '2025-06-15', 5)).days[0]?.counts['sent-anyway'],
      ).toBe(1);
    } finally {
      await sqlite.close();
      await postgres.close();
    }

    // Again into the same database: refused, nothing copied twice.
    const again = capture();
    expect(await runCli(['migrate-store', '--from', from, '--to', to], again.io)).toBe(2);
    expect(again.err.join('')).toMatch(
      /^tlsgate: --to: the PostgreSQL database already holds data \(\w+\); give an empty database\.\n$/,
    );
    expect(again.out).toEqual([]);
  });

  it('refuses a missing source, a URL that does not check TLS, and an unreachable server, in one line each', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'tlsgate-migrate-')), 'none.db');
    const url = await freshDatabase(cluster(), 'refuse');
    const cases: Array<[string[], RegExp]> = [
      [['--from', missing, '--to', url], /^tlsgate: --from: there is no SQLite database at .*none\.db\.\n$/],
      [
        ['--from', missing, '--to', 'postgres://u@db.example/tlsgate?sslmode=require'],
        /^tlsgate: --to: sslmode=require is not accepted/,
      ],
      [
        ['--from', await filledSqlite(), '--to', `postgres://postgres:secret-pw@127.0.0.1:1/x`],
        /^tlsgate: --to: cannot use PostgreSQL at 127\.0\.0\.1:1\/x: connection refused/,
      ],
    ];
    for (const [args, message] of cases) {
      const { out, err, io } = capture();
      expect(await runCli(['migrate-store', ...args], io)).toBe(2);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(message);
      expect(err[0]).not.toContain('secret-pw');
    }
    expect(existsSync(missing)).toBe(false);
    const usage = capture();
    expect(await runCli(['migrate-store', '--from', missing], usage.io)).toBe(2);
    expect(usage.err.join('')).toContain('Give both --from');
  });

  it('runs as documented: npm run --silent tlsgate -- migrate-store', async () => {
    const from = await filledSqlite();
    const to = await freshDatabase(cluster(), 'documented');
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'tlsgate', '--', 'migrate-store', '--from', from, '--to', to],
      { cwd: ROOT },
    );
    expect(stdout).toMatch(/^portal_chunks +9$/m);
  }, 30_000);
});
