import pg from 'pg';
import { advisoryKey, createKeyedTurns, type Fleet, type FleetLog, type SingleFlightOptions } from './fleet';

/**
 * The fleet on PostgreSQL, on connections of its own (independent of the store's pool):
 * - a lease session holds this instance's session-level advisory locks (pg_try_advisory_lock): one per
 *   domain being probed, one per periodic job running. If this process dies, the server closes the
 *   session and its locks go with it: that is the lease expiring. TCP keepalives (client and server
 *   side) bound how long a vanished host keeps them: about 25 s.
 * - a listen session hears NOTIFY on two channels: a probe is done (its lock key), and the policy changed
 *   (its version). It runs a heartbeat query every few hundred ms: once one returns, every notice sent
 *   before it started has arrived (PostgreSQL delivers them in order, between queries), which is what
 *   syncedAt() tells the policy cache. A lost session is reconnected, and the caches are told.
 * - a small pool sends the notices.
 */

const FLIGHT_CHANNEL = 'tlsgate_flight';
const POLICY_CHANNEL = 'tlsgate_policy';

export interface PostgresFleetOptions {
  /** Names this instance's sessions in pg_stat_activity (`NAME fleet lease` …); default `tlsgate`. */
  name?: string;
  /** Connections for sending notices; default 2. The fleet also keeps a lease and a listen session. */
  poolSize?: number;
  log?: FleetLog;
  /** How often a waiting instance tries the lock of a probe it waits for (a lost notice); default 500 ms. */
  pollMs?: number;
  /** The listen session's heartbeat; default 300 ms. */
  heartbeatMs?: number;
}

/** Connection settings: keepalives both ways, so a dead peer is noticed in seconds, not hours. */
function sessionConfig(url: string, name: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: name,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // The fleet never opens a transaction; should one ever idle, the server ends it rather than hold locks.
    idle_in_transaction_session_timeout: 10_000,
    statement_timeout: 10_000,
    // The server's side: a client host that vanished without closing is dropped after 10 + 3 × 5 s.
    options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
  };
}

/** A pg.Client that is reconnected on first use after it was lost; `generation` counts the sessions. */
class Session {
  generation = 0;
  #client: Promise<pg.Client> | null = null;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onLost: (error: unknown) => void,
    /** Called once per new client, before it connects (event handlers). */
    private readonly setup: (client: pg.Client) => void = () => undefined,
  ) {}

  async client(): Promise<{ client: pg.Client; generation: number }> {
    if (this.#closed) throw new Error('the fleet is closed');
    this.#client ??= this.#connect();
    const generation = this.generation;
    return { client: await this.#client, generation };
  }

  #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    const generation = ++this.generation;
    let connected = false;
    const lost = (error?: unknown): void => {
      if (!connected || this.generation !== generation) return;
      this.#client = null;
      this.generation++;
      this.onLost(error);
    };
    // Without an error listener a terminated connection would crash the process.
    client.on('error', lost);
    client.on('end', () => {
      lost();
    });
    this.setup(client);
    return client.connect().then(
      () => {
        connected = true;
        return client;
      },
      (error: unknown) => {
        if (this.generation === generation) {
          this.#client = null;
          this.generation++;
        }
        throw error;
      },
    );
  }

  /** Drops the session now (a stuck heartbeat): the socket is destroyed, not politely closed. */
  abandon(client: pg.Client): void {
    client.connection.stream.destroy();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#client;
    this.#client = null;
    this.generation++;
    const client = await pending?.catch(() => null);
    await client?.end().catch(() => undefined);
  }
}

export async function createPostgresFleet(url: string, options: PostgresFleetOptions = {}): Promise<Fleet> {
  const name = (options.name ?? 'tlsgate').slice(0, 40);
  const config = sessionConfig(url, `${name} fleet`);
  const log: FleetLog = options.log ?? { warn: () => undefined };
  const pollMs = options.pollMs ?? 500;
  const heartbeatMs = options.heartbeatMs ?? 300;
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 2, idleTimeoutMillis: 30_000 });
  pool.on('error', (error) => {
    log.warn({ err: error }, 'fleet: an idle connection failed');
  });
  const policyListeners = new Set<(version: number | null) => void>();
  const waiters = new Map<string, Set<() => void>>();
  const turns = createKeyedTurns();
  const jobs = new Set<string>();
  let closed = false;
  // Read after an await: the fleet may have been closed meanwhile (the linter's narrowing cannot know).
  const isClosed = (): boolean => closed;
  let synced = 0;

  const tellPolicy = (version: number | null): void => {
    for (const listener of policyListeners) listener(version);
  };

  const lease = new Session(sessionConfig(url, `${name} fleet lease`), (error) => {
    if (!closed) log.warn({ err: error }, 'fleet: the lease session was lost; its locks are released');
  });

  const onNotice = (message: pg.Notification): void => {
    if (message.channel === FLIGHT_CHANNEL) {
      const key = message.payload ?? '';
      for (const wake of waiters.get(key) ?? []) wake();
    } else if (message.channel === POLICY_CHANNEL) {
      const version = Number(message.payload);
      tellPolicy(Number.isInteger(version) ? version : null);
    }
  };

  // ---- the listen session ------------------------------------------------------------------------
  let reconnectMs = 100;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const retryListening = (): void => {
    reconnectTimer = setTimeout(() => void startListening(), reconnectMs);
    reconnectTimer.unref();
    reconnectMs = Math.min(reconnectMs * 2, 2000);
  };
  const listen = new Session(
    sessionConfig(url, `${name} fleet listen`),
    (error) => {
      clearInterval(heartbeat);
      if (closed) return;
      log.warn({ err: error }, 'fleet: the notice session was lost; reconnecting');
      // Notices may be missed until it is back: caches drop what they hold, and trust themselves ≤ 1 s.
      tellPolicy(null);
      retryListening();
    },
    (client) => client.on('notification', onNotice),
  );

  /** Connects and listens; at start a failure is thrown (the deployment is wrong), later it is retried. */
  async function startListening(initial = false): Promise<void> {
    if (closed) return;
    let session: { client: pg.Client; generation: number };
    try {
      session = await listen.client();
      await session.client.query(`LISTEN ${FLIGHT_CHANNEL}; LISTEN ${POLICY_CHANNEL}`);
    } catch (error) {
      if (initial) throw error;
      if (isClosed()) return;
      log.warn({ err: error }, 'fleet: cannot listen for notices; retrying');
      retryListening();
      return;
    }
    reconnectMs = 100;
    // Notices sent while nobody listened are lost: whatever was cached before now is suspect.
    const at = Date.now();
    tellPolicy(null);
    synced = at;
    const { client, generation } = session;
    let beating: number | null = null;
    clearInterval(heartbeat);
    heartbeat = setInterval(() => {
      if (listen.generation !== generation) return;
      if (beating !== null) {
        // No answer for 2 s: the connection is dead in a way TCP has not told us yet.
        if (Date.now() - beating > 2000) listen.abandon(client);
        return;
      }
      const started = Date.now();
      beating = started;
      client.query('SELECT 1').then(
        () => {
          beating = null;
          if (listen.generation === generation) synced = Math.max(synced, started);
        },
        () => {
          beating = null;
        },
      );
    }, heartbeatMs);
    heartbeat.unref();
  }
  try {
    await startListening(true);
  } catch (error) {
    closed = true;
    await Promise.all([lease.close(), listen.close(), pool.end()]);
    throw error;
  }

  // ---- locks ---------------------------------------------------------------------------------------
  /** Takes the lock on the lease session; the release, or null when another session holds it. */
  async function tryLock(key: string): Promise<(() => Promise<void>) | null> {
    const { client, generation } = await lease.client();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
      key,
    ]);
    if (rows[0]?.ok !== true) return null;
    return async () => {
      // A lost session took its locks with it; unlocking on a new one would be a mistake.
      if (lease.generation !== generation) return;
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch((error: unknown) => {
        log.warn({ err: error }, 'fleet: could not release a lock');
      });
    };
  }

  async function notify(channel: string, payload: string): Promise<void> {
    try {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    } catch (error) {
      log.warn({ err: error }, 'fleet: could not send a notice');
    }
  }

  /** Resolves on a done notice for `key` (true) or after `ms` (false). */
  function signal(key: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const set = waiters.get(key) ?? new Set();
      waiters.set(key, set);
      const done = (heard: boolean): void => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
        resolve(heard);
      };
      const wake = (): void => {
        done(true);
      };
      const timer = setTimeout(() => {
        done(false);
      }, ms);
      set.add(wake);
    });
  }

  async function flight<T>(key: string, run: () => Promise<T>, options: SingleFlightOptions<T>): Promise<T> {
    const deadline = Date.now() + (options.deadlineMs ?? 60_000);
    for (;;) {
      let release: (() => Promise<void>) | null;
      try {
        release = await tryLock(key);
      } catch (error) {
        // No lease session (the database is out of reach): this instance's own single flight must do.
        log.warn({ err: error }, 'fleet: cannot take a probe lock; probing without it');
        return run();
      }
      if (release) {
        try {
          const ready = await options.ready();
          if (ready !== null) return ready;
          return await run();
        } finally {
          // Done or failed, the waiters look: at the result, or at a free lock to try themselves.
          await notify(FLIGHT_CHANNEL, key);
          await release();
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        log.warn({}, 'fleet: another instance has probed for too long; probing here too');
        return run();
      }
      if (await signal(key, Math.min(pollMs, left))) {
        const ready = await options.ready();
        if (ready !== null) return ready;
      }
    }
  }

  return {
    kind: 'postgres',
    singleFlight(key, run, options) {
      const lockKey = advisoryKey(`flight:${key}`);
      // One at a time per key here: the lease session would grant its own lock a second time.
      return turns(lockKey, () => flight(lockKey, run, options));
    },
    onPolicyChange(listener) {
      policyListeners.add(listener);
      return () => policyListeners.delete(listener);
    },
    policyChanged: (version) => notify(POLICY_CHANNEL, String(version)),
    syncedAt: () => synced,
    async exclusive(job, fn) {
      if (jobs.has(job)) return false;
      jobs.add(job);
      try {
        let release: (() => Promise<void>) | null;
        try {
          release = await tryLock(advisoryKey(`job:${job}`));
        } catch (error) {
          log.warn({ err: error, job }, 'fleet: cannot take a job lock; skipping the job');
          return false;
        }
        if (!release) return false;
        try {
          await fn();
          return true;
        } finally {
          await release();
        }
      } finally {
        jobs.delete(job);
      }
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(heartbeat);
      for (const set of waiters.values()) for (const wake of set) wake();
      await Promise.all([lease.close(), listen.close(), pool.end()]);
    },
  };
}
