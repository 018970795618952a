/**
 * The store contract: every method of Store, PortalStore and ActivityStore, the same tests run against a real
 * SQLite file and a real PostgreSQL database (a throwaway cluster, one database per test). The atomic ones
 * ("false if already ...", counters) are also raced, as several instances on one database would race them.
 */
import type { ActivityStore } from '../../src/server/store/activity-store';
import type { PortalStore } from '../../src/server/store/portal-store';
import type { Store } from '../../src/server/store/store';
import { healthStoreContract } from '../support/health-contract';
import { usePostgres } from '../support/postgres';
import {
  bytes,
  challenge,
  DAY,
  DIALECTS,
  freshStore,
  newMessage,
  policy,
  reusedDatabase,
  session,
  T,
} from '../support/stores';

const cluster = usePostgres();

const times = <R>(n: number, run: (i: number) => Promise<R>): Promise<R[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => run(i)));

describe.each(DIALECTS)('the %s store', (dialect) => {
  let store: Store;
  let portal: PortalStore;
  let activity: ActivityStore;
  // A new SQLite file for each test; one PostgreSQL database, emptied before each test.
  const emptyPostgres = reusedDatabase(cluster, 'contract');
  beforeEach(async () => {
    store = dialect === 'sqlite' ? await freshStore(dialect, cluster) : await emptyPostgres();
    portal = store.portal!;
    activity = store.activity!;
  });
  afterEach(async () => {
    await store.close();
  });

  describe('reports and policy', () => {
    it('says which database it is, answers ping, and stops answering once closed', async () => {
      expect(store.dialect).toBe(dialect);
      await expect(store.ping()).resolves.toBeUndefined();
      const other = await freshStore(dialect, cluster);
      await other.close();
      await expect(other.ping()).rejects.toThrow();
    });

    it('stores a report as given and replaces it', async () => {
      expect(await store.getReport('example.org')).toBeNull();
      const report = {
        domain: 'example.org',
        json: '{"status":"none"}',
        checkedAt: T,
        expiresAt: T + DAY,
        staleUntil: T + 7 * DAY,
      };
      await store.putReport(report);
      expect(await store.getReport('example.org')).toEqual(report);
      const newer = {
        ...report,
        json: '{"status":"enforced"}',
        checkedAt: T + 1,
        expiresAt: T + 2,
        staleUntil: T + 3,
      };
      await store.putReport(newer);
      expect(await store.getReport('example.org')).toEqual(newer);
    });

    it('versions the policy with optimistic concurrency, an audit log and past versions', async () => {
      expect(await store.getPolicy()).toBeNull();
      const first = await store.putPolicy(policy({ portal: true }), 0, 'alice', []);
      expect(first).toMatchObject({
        ok: true,
        stored: { version: 1, updatedBy: 'alice', policy: { portal: true } },
      });
      expect(await store.putPolicy(policy(), 0, 'bob', [])).toEqual({ ok: false, currentVersion: 1 });
      const change = { path: 'forcedTlsDomains', from: [], to: ['bank.example'] };
      const second = await store.putPolicy(
        policy({ forcedTlsDomains: [{ domain: 'bank.example', level: 'encryption-only' }] }),
        1,
        'bob',
        [change as never],
        'Rolled back to version 1',
      );
      expect(second).toMatchObject({ ok: true, stored: { version: 2 } });
      expect(await store.putPolicy(policy(), 1, 'carol', [])).toEqual({ ok: false, currentVersion: 2 });
      expect(await store.getPolicy()).toMatchObject({
        version: 2,
        updatedBy: 'bob',
        policy: { forcedTlsDomains: [{ domain: 'bank.example', level: 'encryption-only' }] },
      });
      const audit = await store.policyAudit(10);
      expect(audit.map((entry) => [entry.version, entry.actor, entry.note])).toEqual([
        [2, 'bob', 'Rolled back to version 1'],
        [1, 'alice', null],
      ]);
      expect(audit[0]?.changes).toEqual([change]);
      expect(await store.policyAudit(1)).toHaveLength(1);
      expect(await store.policyVersion(1)).toMatchObject({
        version: 1,
        updatedBy: 'alice',
        policy: { portal: true },
      });
      expect(await store.policyVersion(3)).toBeNull();
    });

    it('lets exactly one of several saves from the same version win', async () => {
      await store.putPolicy(policy(), 0, 'setup', []);
      const results = await times(6, (i) =>
        store.putPolicy(policy({ portal: i % 2 === 0 }), 1, `admin-${i}`, []),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array(5).fill({ ok: false, currentVersion: 2 }));
      expect(await store.policyAudit(10)).toHaveLength(2);
    });

    it('lets exactly one of several first saves win', async () => {
      const results = await times(4, (i) => store.putPolicy(policy(), 0, `admin-${i}`, []));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });
  });

  describe('portal messages', () => {
    it('stores a message, its participants, link, parts and created event at once', async () => {
      const input = newMessage('m1');
      await portal.createMessage(input);
      expect(await portal.getMessage('m1')).toEqual({ ...input.message, replies: 0 });
      expect(await portal.getMessage('nope')).toBeNull();
      expect(await portal.findLink(bytes('token-m1'))).toEqual({ messageId: 'm1', role: 'recipient' });
      expect(await portal.findLink(bytes('token-none'))).toBeNull();
      await portal.addLink(bytes('sender-link'), 'm1', 'sender', T + 1);
      expect(await portal.findLink(bytes('sender-link'))).toEqual({ messageId: 'm1', role: 'sender' });
      expect(await portal.participants('m1')).toEqual(input.participants);
      expect(await portal.chunkCount('m1', 'att:0')).toBe(2);
      expect(await portal.chunkCount('m1', 'att:9')).toBe(0);
      expect((await portal.getChunk('m1', 'att:0', 0))?.equals(Buffer.alloc(1024 * 1024, 7))).toBe(true);
      expect(await portal.getChunk('m1', 'att:0', 2)).toBeNull();
      const part = await portal.readPart('m1', 'att:0');
      expect(
        Buffer.concat(part).equals(Buffer.concat([Buffer.alloc(1024 * 1024, 7), bytes('tail-m1')])),
      ).toBe(true);
      expect(await portal.events('m1', 10)).toEqual([
        { at: T, kind: 'created', participant: 0, detail: null },
      ]);
    });

    it('stores nothing of a message whose creation fails part-way', async () => {
      await portal.createMessage(newMessage('m1'));
      const clash = newMessage('m2');
      clash.tokenHash = bytes('token-m1');
      // (Not rejects.toThrow: better-sqlite3's errors are not Errors of a later test file's realm.)
      expect(
        await portal.createMessage(clash).then(
          () => 'stored',
          () => 'refused',
        ),
      ).toBe('refused');
      expect(await portal.getMessage('m2')).toBeNull();
      expect(await portal.participants('m2')).toEqual([]);
    });

    it('lists a sender’s messages newest first', async () => {
      await portal.createMessage(newMessage('old', { at: T }));
      await portal.createMessage(newMessage('new', { at: T + 5 }));
      expect((await portal.listMessages('subject-alice', 10)).map((m) => m.id)).toEqual(['new', 'old']);
      expect((await portal.listMessages('subject-alice', 1)).map((m) => m.id)).toEqual(['new']);
      expect(await portal.listMessages('subject-bob', 10)).toEqual([]);
    });

    it('numbers replies, counts them, records them, and takes none once closed', async () => {
      await portal.createMessage(newMessage('m1'));
      const reply = (part: string) => ({ part, chunks: [{ part, seq: 0, data: bytes(part) }], files: 0 });
      expect(await portal.addReply('m1', reply('reply:a'), 1, T + 1)).toBe(1);
      expect(await portal.addReply('m1', { ...reply('reply:b'), files: 1 }, 0, T + 2)).toBe(2);
      expect(await portal.replies('m1')).toEqual([
        { id: 1, part: 'reply:a' },
        { id: 2, part: 'reply:b' },
      ]);
      expect((await portal.getMessage('m1'))?.replies).toBe(2);
      expect(await portal.readPart('m1', 'reply:b')).toEqual([bytes('reply:b')]);
      expect((await portal.events('m1', 1))[0]).toEqual({
        at: T + 2,
        kind: 'replied',
        participant: 0,
        detail: { reply: 2, attachments: 1 },
      });
      await portal.close('m1', 'revoked', T + 3, 0);
      expect(await portal.addReply('m1', reply('reply:c'), 1, T + 4)).toBeNull();
      expect(await portal.addReply('none', reply('reply:d'), 1, T + 4)).toBeNull();
    });

    it('numbers replies arriving at once one after another', async () => {
      await portal.createMessage(newMessage('m1'));
      const numbers = await times(6, (i) =>
        portal.addReply(
          'm1',
          { part: `reply:${i}`, chunks: [{ part: `reply:${i}`, seq: 0, data: bytes(`r${i}`) }], files: 0 },
          1,
          T + i,
        ),
      );
      expect([...numbers].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await portal.getMessage('m1'))?.replies).toBe(6);
    });

    it('records events and reads them newest first, counted and as opens per participant', async () => {
      await portal.createMessage(newMessage('m1'));
      await portal.addEvent('m1', { at: T + 10, kind: 'opened', participant: 1, detail: null });
      await portal.addEvent('m1', { at: T + 20, kind: 'opened', participant: 1, detail: null });
      await portal.addEvent('m1', { at: T + 15, kind: 'opened', participant: 2, detail: null });
      await portal.addEvent('m1', {
        at: T + 20,
        kind: 'downloaded',
        participant: 2,
        detail: { attachment: 0 },
      });
      const events = await portal.events('m1', 2);
      expect(events).toEqual([
        { at: T + 20, kind: 'downloaded', participant: 2, detail: { attachment: 0 } },
        { at: T + 20, kind: 'opened', participant: 1, detail: null },
      ]);
      expect(await portal.countEvents('m1', 'opened', T + 15)).toBe(2);
      expect(await portal.countEvents('m1', 'opened', 0)).toBe(3);
      expect(await portal.opens('m1')).toEqual([
        { participant: 1, first: T + 10, last: T + 20 },
        { participant: 2, first: T + 15, last: T + 15 },
      ]);
    });

    it('extends an active message that has not expired, only', async () => {
      await portal.createMessage(newMessage('m1'));
      expect(await portal.setExpiry('m1', T + 20 * DAY, T + DAY)).toBe(true);
      expect((await portal.getMessage('m1'))?.expiresAt).toBe(T + 20 * DAY);
      expect(await portal.setExpiry('m1', T + 25 * DAY, T + 21 * DAY)).toBe(false);
      await portal.close('m1', 'revoked', T + 2 * DAY, 0);
      expect(await portal.setExpiry('m1', T + 25 * DAY, T + 3 * DAY)).toBe(false);
    });

    it('closes a message once: deletes its key, code, parts, people, links, challenges, sessions and counters', async () => {
      await portal.createMessage({
        ...newMessage('m1'),
        message: { ...newMessage('m1').message, accessCodeHash: bytes('ac') },
      });
      await portal.createMessage(newMessage('keep'));
      await portal.addLink(bytes('sender-link'), 'm1', 'sender', T);
      await portal.addReply(
        'm1',
        { part: 'reply:a', chunks: [{ part: 'reply:a', seq: 0, data: bytes('r') }], files: 0 },
        1,
        T,
      );
      await portal.putChallenge(challenge('c1', 'm1'));
      await portal.createSession(session('s1', 'm1'));
      await portal.recordFailure(bytes('c1'), 'm1', 1, T, T, [bytes('throttle-m1')]);
      await portal.lock('m1', T, T + 1000);
      await portal.putChallenge(challenge('c-keep', 'keep'));
      await portal.createSession(session('s-keep', 'keep'));

      const closes = await times(3, () => portal.close('m1', 'revoked', T + 5, 0));
      expect(closes.filter(Boolean)).toHaveLength(1);
      expect(await portal.getMessage('m1')).toMatchObject({
        state: 'revoked',
        closedAt: T + 5,
        keyId: null,
        wrappedKey: null,
        accessCodeHash: null,
        lockedUntil: null,
      });
      expect(await portal.readPart('m1', 'att:0')).toEqual([]);
      expect(await portal.readPart('m1', 'reply:a')).toEqual([]);
      expect(await portal.participants('m1')).toEqual([]);
      expect(await portal.replies('m1')).toEqual([]);
      expect(await portal.findLink(bytes('token-m1'))).toBeNull();
      expect(await portal.findLink(bytes('sender-link'))).toBeNull();
      expect(await portal.getChallenge(bytes('c1'))).toBeNull();
      expect(await portal.getSession(bytes('s1'))).toBeNull();
      expect(await portal.throttleLocked([bytes('throttle-m1')], T)).toEqual([false]);
      expect((await portal.events('m1', 1))[0]).toEqual({
        at: T + 5,
        kind: 'revoked',
        participant: 0,
        detail: null,
      });
      expect(await portal.close('m1', 'expired', T + 6, null)).toBe(false);
      // The other message keeps everything.
      expect(await portal.readPart('keep', 'body')).toEqual([bytes('body-keep')]);
      expect(await portal.getChallenge(bytes('c-keep'))).not.toBeNull();
      expect(await portal.getSession(bytes('s-keep'))).not.toBeNull();
    });

    it('lists active messages due for expiry, soonest first', async () => {
      await portal.createMessage(newMessage('late', { at: T + 2 * DAY }));
      await portal.createMessage(newMessage('early', { at: T }));
      await portal.createMessage(newMessage('closed', { at: T }));
      await portal.close('closed', 'revoked', T, 0);
      const now = T + 30 * DAY;
      expect(await portal.dueForExpiry(now, 10)).toEqual(['early', 'late']);
      expect(await portal.dueForExpiry(now, 1)).toEqual(['early']);
      expect(await portal.dueForExpiry(T + 15 * DAY, 10)).toEqual(['early']);
      expect(await portal.dueForExpiry(T, 10)).toEqual([]);
    });
  });

  describe('portal sign-in', () => {
    beforeEach(async () => {
      await portal.createMessage(newMessage('m1'));
    });

    it('creates, replaces and reads challenges', async () => {
      await portal.putChallenge(challenge('c1', 'm1'));
      expect(await portal.getChallenge(bytes('c1'))).toEqual(challenge('c1', 'm1'));
      const replaced = challenge('c1', 'm1', { participant: null, codeHash: null, attempts: 2, spent: true });
      await portal.putChallenge(replaced);
      expect(await portal.getChallenge(bytes('c1'))).toEqual(replaced);
      expect(await portal.getChallenge(bytes('c2'))).toBeNull();
    });

    it('spends a challenge once, even when many try at once', async () => {
      await portal.putChallenge(challenge('c1', 'm1'));
      expect(await portal.spendChallenge(bytes('c1'))).toBe(true);
      expect(await portal.spendChallenge(bytes('c1'))).toBe(false);
      expect((await portal.getChallenge(bytes('c1')))?.spent).toBe(true);
      await portal.putChallenge(challenge('c2', 'm1'));
      const spent = await times(10, () => portal.spendChallenge(bytes('c2')));
      expect(spent.filter(Boolean)).toHaveLength(1);
      expect(await portal.spendChallenge(bytes('unknown'))).toBe(false);
    });

    it('counts wrong codes per challenge, per participant since the window start, and per throttle key', async () => {
      await portal.putChallenge(challenge('c1', 'm1'));
      await portal.putChallenge(challenge('stranger', 'm1', { participant: null }));
      const [ip, link] = [bytes('ip-key'), bytes('link-key')];
      expect(await portal.recordFailure(bytes('c1'), 'm1', 1, T, T, [ip, link])).toEqual({
        attempts: 1,
        recent: 1,
        throttles: [1, 1],
      });
      // Not a participant: counted on the challenge and the keys, not towards the message's lockout.
      expect(await portal.recordFailure(bytes('stranger'), 'm1', null, T + 1, T, [ip])).toEqual({
        attempts: 1,
        recent: 1,
        throttles: [2],
      });
      expect(await portal.recordFailure(bytes('c1'), 'm1', 1, T + 2, T, [link])).toEqual({
        attempts: 2,
        recent: 2,
        throttles: [2],
      });
      // A later window: older failures no longer count, and each key's counter starts again.
      expect(await portal.recordFailure(bytes('c1'), 'm1', 1, T + 10, T + 5, [ip, link])).toEqual({
        attempts: 3,
        recent: 1,
        throttles: [1, 1],
      });
      expect(await portal.countEvents('m1', 'code-failed', 0)).toBe(4);
    });

    it('adds up wrong codes entered at once', async () => {
      await portal.putChallenge(challenge('c1', 'm1'));
      const key = bytes('ip-key');
      const counts = await times(10, (i) => portal.recordFailure(bytes('c1'), 'm1', 1, T + i, T, [key]));
      expect(counts.map((c) => c.attempts).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(counts.map((c) => c.throttles[0]).sort((a, b) => a! - b!)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      expect(counts.map((c) => c.recent).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await portal.getChallenge(bytes('c1')))?.attempts).toBe(10);
    });

    it('holds a throttle key off once until its time', async () => {
      const key = bytes('ip-key');
      expect(await portal.lockThrottle(key, 'm1', T, T + 100)).toBe(false);
      await portal.recordFailure(bytes('none'), 'm1', null, T, T, [key]);
      expect(await portal.throttleLocked([key, bytes('other')], T)).toEqual([false, false]);
      const locks = await times(4, () => portal.lockThrottle(key, 'm1', T, T + 100));
      expect(locks.filter(Boolean)).toHaveLength(1);
      expect(await portal.throttleLocked([key, bytes('other')], T + 99)).toEqual([true, false]);
      expect(await portal.throttleLocked([key], T + 100)).toEqual([false]);
      expect(await portal.lockThrottle(key, 'm1', T + 100, T + 200)).toBe(true);
    });

    it('locks a message’s recipients out once until its time', async () => {
      const locks = await times(4, () => portal.lock('m1', T, T + 100));
      expect(locks.filter(Boolean)).toHaveLength(1);
      expect((await portal.getMessage('m1'))?.lockedUntil).toBe(T + 100);
      expect(await portal.lock('m1', T + 50, T + 150)).toBe(false);
      expect(await portal.lock('m1', T + 100, T + 200)).toBe(true);
      await portal.close('m1', 'revoked', T + 300, 0);
      expect(await portal.lock('m1', T + 400, T + 500)).toBe(false);
    });

    it('keeps sessions, records the first view once, and deletes them', async () => {
      await portal.createSession(session('s1', 'm1'));
      expect(await portal.getSession(bytes('s1'))).toEqual(session('s1', 'm1'));
      const opened = await times(3, () => portal.markOpened(bytes('s1'), T + 7));
      expect(opened.filter(Boolean)).toHaveLength(1);
      expect((await portal.getSession(bytes('s1')))?.openedAt).toBe(T + 7);
      await portal.deleteSession(bytes('s1'));
      expect(await portal.getSession(bytes('s1'))).toBeNull();
      expect(await portal.getSession(bytes('never'))).toBeNull();
    });

    it('prunes expired challenges and sessions and idle throttle counters', async () => {
      await portal.putChallenge(challenge('old', 'm1', { expiresAt: T }));
      await portal.putChallenge(challenge('new', 'm1', { expiresAt: T + 1000 }));
      await portal.createSession(session('old', 'm1', { expiresAt: T }));
      await portal.createSession(session('new', 'm1', { expiresAt: T + 1000 }));
      await portal.recordFailure(bytes('new'), 'm1', 1, T, T, [bytes('idle'), bytes('locked')]);
      await portal.lockThrottle(bytes('locked'), 'm1', T, T + 5000);
      await portal.prune(T + 1, T + 1);
      expect(await portal.getChallenge(bytes('old'))).toBeNull();
      expect(await portal.getChallenge(bytes('new'))).not.toBeNull();
      expect(await portal.getSession(bytes('old'))).toBeNull();
      expect(await portal.getSession(bytes('new'))).not.toBeNull();
      // The idle counter is gone (a new failure starts at 1); the locked one stays while it holds.
      expect(
        (await portal.recordFailure(bytes('new'), 'm1', 1, T + 2, 0, [bytes('idle')])).throttles,
      ).toEqual([1]);
      expect(await portal.throttleLocked([bytes('locked')], T + 2)).toEqual([true]);
    });
  });

  describe('activity', () => {
    const day = (offset: number) => new Date(T + offset * DAY).toISOString().slice(0, 10);
    const warned = (at: number, domains: string[], types: string[] = [], addresses: string[] = []) =>
      activity.record({
        at,
        decision: 'warned',
        riskyDomains: domains,
        detectionTypes: types,
        riskyAddresses: addresses,
      });

    it('counts decisions, domains, types and addresses per day, with every day of the range', async () => {
      await warned(T, ['a.example', 'b.example', 'a.example'], ['iban'], ['x@a.example']);
      await warned(T, ['a.example'], ['iban', 'bsn'], []);
      await activity.record({
        at: T + DAY,
        decision: 'blocked',
        riskyDomains: ['c.example'],
        detectionTypes: [],
        riskyAddresses: [],
      });
      const summary = await activity.summary(day(-1), day(1), 2);
      expect(summary.days.map((d) => [d.day, d.counts.warned, d.counts.blocked, d.counts.allowed])).toEqual([
        [day(-1), 0, 0, 0],
        [day(0), 2, 0, 0],
        [day(1), 0, 1, 0],
      ]);
      expect(summary.topDomains).toEqual([
        { domain: 'a.example', count: 2 },
        { domain: 'b.example', count: 1 },
      ]);
      expect(summary.detectionTypes).toEqual([
        { type: 'iban', count: 2 },
        { type: 'bsn', count: 1 },
      ]);
      expect(summary.topAddresses).toEqual([{ address: 'x@a.example', count: 1 }]);
    });

    it('adds up counts recorded at once', async () => {
      await times(20, (i) => warned(T, ['a.example', 'b.example'].slice(i % 2), ['iban']));
      const summary = await activity.summary(day(0), day(0), 5);
      expect(summary.days[0]?.counts.warned).toBe(20);
      expect(summary.topDomains).toEqual([
        { domain: 'b.example', count: 20 },
        { domain: 'a.example', count: 10 },
      ]);
    });

    it('counts pending warnings as sent anyway on their day unless superseded, once', async () => {
      await activity.recordPending('a1', T);
      await activity.recordPending('a1', T + 5);
      await activity.recordPending('a2', T + 1);
      await activity.recordPending('a3', T + DAY);
      await activity.recordPending('late', T + 3 * DAY);
      await activity.supersede('a2');
      await Promise.all([activity.promotePending(T + 2 * DAY), activity.promotePending(T + 2 * DAY)]);
      await activity.promotePending(T + 2 * DAY);
      const summary = await activity.summary(day(0), day(3), 5);
      expect(summary.days.map((d) => d.counts['sent-anyway'])).toEqual([1, 1, 0, 0]);
      await activity.promotePending(T + 4 * DAY);
      expect((await activity.summary(day(3), day(3), 5)).days[0]?.counts['sent-anyway']).toBe(1);
    });

    it('prunes days before a day', async () => {
      await warned(T - DAY, ['old.example'], ['iban'], ['x@old.example']);
      await warned(T, ['new.example']);
      await activity.prune(day(0));
      const summary = await activity.summary(day(-1), day(0), 5);
      expect(summary.days.map((d) => d.counts.warned)).toEqual([0, 1]);
      expect(summary.topDomains).toEqual([{ domain: 'new.example', count: 1 }]);
      expect(summary.detectionTypes).toEqual([]);
      expect(summary.topAddresses).toEqual([]);
      await warned(T - DAY, ['old.example']);
      await activity.prune(day(0));
      expect(await activity.warnedDomains(day(-1), day(0), 5)).toEqual([
        { domain: 'new.example', warned: 1, blocked: 0 },
      ]);
    });

    it('lists the domains warned or blocked about, with both counts, most first, within the days', async () => {
      const decided = (at: number, decision: 'blocked' | 'sent-via-portal', domains: string[]) =>
        activity.record({ at, decision, riskyDomains: domains, detectionTypes: [], riskyAddresses: [] });
      await times(3, () => warned(T, ['a.example', 'b.example']));
      await times(4, () => decided(T + DAY, 'blocked', ['b.example', 'b.example']));
      await decided(T, 'blocked', ['c.example']);
      await warned(T, ['d.example']);
      // Portal sends and days out of range do not count.
      await decided(T, 'sent-via-portal', ['a.example', 'e.example']);
      await warned(T - DAY, ['a.example', 'f.example']);
      await warned(T + 2 * DAY, ['f.example']);
      expect(await activity.warnedDomains(day(0), day(1), 10)).toEqual([
        { domain: 'b.example', warned: 3, blocked: 4 },
        { domain: 'a.example', warned: 3, blocked: 0 },
        { domain: 'c.example', warned: 0, blocked: 1 },
        { domain: 'd.example', warned: 1, blocked: 0 },
      ]);
      expect((await activity.warnedDomains(day(0), day(1), 2)).map((row) => row.domain)).toEqual([
        'b.example',
        'a.example',
      ]);
      expect(await activity.warnedDomains(day(5), day(6), 10)).toEqual([]);
    });
  });

  describe('forced-TLS health and the alert outbox', () => {
    healthStoreContract(dialect, cluster, () => store);
  });
});
