import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, describeConfig, loadConfig } from '../../src/server/config';

const run = promisify(execFile);
const TENANT = '11111111-2222-3333-4444-555555555555';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, '/srv/tlsgate');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults: port 3000, loopback for open auth, SQLite under ./data, HTTPS', () => {
    const config = loadConfig({}, '/srv/tlsgate');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'https://localhost:3000',
      db: '/srv/tlsgate/data/tlsgate.db',
      auth: 'open',
      http: false,
      allowPrivateNetworks: false,
      dnsServers: null,
      entra: null,
      adminToken: null,
      logLevel: 'info',
      activityRetentionDays: 180,
      probes: { perMinute: 300, concurrency: 16, queueLimit: 200 },
    });
  });

  it('binds to all interfaces by default only for entra auth, and honours HOST', () => {
    const env = {
      TLSGATE_AUTH: 'entra',
      TLSGATE_ENTRA_TENANT_ID: TENANT,
      TLSGATE_ENTRA_AUDIENCE: 'api://tlsgate',
    };
    expect(loadConfig(env).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0', TLSGATE_AUTH_OPEN_PUBLIC: '1' }).host).toBe('0.0.0.0');
  });

  it('takes several audiences, comma separated (the API and the add-in SSO client id)', () => {
    const config = loadConfig({
      TLSGATE_AUTH: 'entra',
      TLSGATE_ENTRA_TENANT_ID: TENANT,
      TLSGATE_ENTRA_AUDIENCE: ' api://tlsgate , 5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90,',
    });
    expect(config.entra?.audience).toEqual(['api://tlsgate', '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90']);
  });

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        PORT: '8443',
        HOST: '::',
        TLSGATE_PUBLIC_URL: 'https://tlsgate.example.org/',
        TLSGATE_DB: '/var/lib/tlsgate/db.sqlite',
        TLSGATE_DNS_SERVERS: '127.0.0.1:8053, [::1]:53',
        TLSGATE_ALLOW_PRIVATE_NETWORKS: '1',
        TLSGATE_HTTP: 'true',
        TLSGATE_AUTH: 'entra',
        TLSGATE_ENTRA_TENANT_ID: TENANT.toUpperCase(),
        TLSGATE_ENTRA_AUDIENCE: 'api://tlsgate',
        TLSGATE_ADMIN_TOKEN: 'x'.repeat(40),
        TLSGATE_ACTIVITY_RETENTION_DAYS: '365',
        TLSGATE_PROBES_PER_MINUTE: '120',
        TLSGATE_PROBE_CONCURRENCY: '8',
        TLSGATE_PROBE_QUEUE: '50',
        LOG_LEVEL: 'warn',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8443,
      host: '::',
      publicUrl: 'https://tlsgate.example.org',
      db: '/var/lib/tlsgate/db.sqlite',
      dnsServers: ['127.0.0.1:8053', '[::1]:53'],
      allowPrivateNetworks: true,
      http: true,
      auth: 'entra',
      adminToken: 'x'.repeat(40),
      activityRetentionDays: 365,
      probes: { perMinute: 120, concurrency: 8, queueLimit: 50 },
      logLevel: 'warn',
    });
    expect(config.entra).toMatchObject({
      tenantId: TENANT,
      audience: ['api://tlsgate'],
      jwksUrl: `https://login.microsoftonline.com/${TENANT.toUpperCase()}/discovery/v2.0/keys`,
    });
  });

  it.each([
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '65536' }, 'PORT'],
    [{ PORT: 'http' }, 'PORT'],
    [{ TLSGATE_PUBLIC_URL: 'ftp://x.example' }, 'TLSGATE_PUBLIC_URL'],
    [{ TLSGATE_PUBLIC_URL: 'not a url' }, 'TLSGATE_PUBLIC_URL'],
    [{ TLSGATE_DNS_SERVERS: 'resolver.example' }, 'TLSGATE_DNS_SERVERS'],
    [{ TLSGATE_ALLOW_PRIVATE_NETWORKS: 'yes' }, 'TLSGATE_ALLOW_PRIVATE_NETWORKS'],
    [{ TLSGATE_AUTH: 'ldap' }, 'TLSGATE_AUTH'],
    [{ TLSGATE_AUTH: 'entra' }, 'TLSGATE_ENTRA_TENANT_ID'],
    [{ TLSGATE_AUTH: 'entra', TLSGATE_ENTRA_TENANT_ID: 'contoso' }, 'TLSGATE_ENTRA_TENANT_ID'],
    [
      { TLSGATE_AUTH: 'entra', TLSGATE_ENTRA_TENANT_ID: TENANT, TLSGATE_ENTRA_AUDIENCE: ' , ' },
      'TLSGATE_ENTRA_AUDIENCE',
    ],
    [{ TLSGATE_TLS_CERT: 'cert.pem' }, 'TLSGATE_TLS_CERT and TLSGATE_TLS_KEY'],
    [{ TLSGATE_ADMIN_TOKEN: 'short' }, 'TLSGATE_ADMIN_TOKEN'],
    [{ TLSGATE_DB: 'postgres://db/tlsgate' }, 'TLSGATE_DB'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TLSGATE_ACTIVITY_RETENTION_DAYS: '0' }, 'TLSGATE_ACTIVITY_RETENTION_DAYS'],
    [{ TLSGATE_ACTIVITY_RETENTION_DAYS: 'abc' }, 'TLSGATE_ACTIVITY_RETENTION_DAYS'],
    [{ TLSGATE_ACTIVITY_RETENTION_DAYS: '3651' }, 'TLSGATE_ACTIVITY_RETENTION_DAYS'],
    [{ TLSGATE_ACTIVITY_RETENTION_DAYS: '7.5' }, 'TLSGATE_ACTIVITY_RETENTION_DAYS'],
    [{ TLSGATE_PROBES_PER_MINUTE: '0' }, 'TLSGATE_PROBES_PER_MINUTE'],
    [{ TLSGATE_PROBE_CONCURRENCY: 'many' }, 'TLSGATE_PROBE_CONCURRENCY'],
    [{ TLSGATE_PROBE_QUEUE: '-1' }, 'TLSGATE_PROBE_QUEUE'],
  ])('refuses %j, naming %s', (env, name) => {
    const found = problems(env);
    expect(found.join('\n')).toContain(name);
  });

  it('says plainly what a bad retention should be', () => {
    expect(problems({ TLSGATE_ACTIVITY_RETENTION_DAYS: 'abc' })).toEqual([
      'TLSGATE_ACTIVITY_RETENTION_DAYS: give a whole number of days from 1 to 3650',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problems({ PORT: '-1', LOG_LEVEL: 'loud', TLSGATE_AUTH: 'x' })).toHaveLength(3);
  });
});

describe('TLSGATE_DB as a PostgreSQL URL', () => {
  const CA = join(__dirname, '..', 'fixtures', 'store', 'sqlite-v3.sql');

  it('keeps the URL as given, with a pool of 10 unless TLSGATE_DB_POOL says otherwise', () => {
    const url = 'postgresql://tlsgate:s3cret@db.example.net:5432/tlsgate?sslmode=verify-full';
    expect(loadConfig({ TLSGATE_DB: url }, '/srv')).toMatchObject({ db: url, dbPool: 10 });
    expect(loadConfig({ TLSGATE_DB: url, TLSGATE_DB_POOL: '25' }).dbPool).toBe(25);
    // A database on this machine may go without TLS; a private CA is named by sslrootcert.
    expect(loadConfig({ TLSGATE_DB: 'postgres://tlsgate@127.0.0.1/tlsgate' }).db).toBe(
      'postgres://tlsgate@127.0.0.1/tlsgate',
    );
    expect(
      loadConfig({ TLSGATE_DB: `postgres://u@db.example.net/t?sslmode=verify-full&sslrootcert=${CA}` }).db,
    ).toContain('sslrootcert');
    expect(loadConfig({ TLSGATE_DB: 'postgres://u@db.example.net/t?sslmode=disable' }).db).toContain(
      'disable',
    );
  });

  it('shows the URL without its password on the start banner', () => {
    const config = loadConfig({
      TLSGATE_DB: 'postgres://tlsgate:s3cret@db.example.net/tlsgate?sslmode=verify-full',
    });
    const banner = describeConfig(config).join('\n');
    expect(banner).toContain(
      'Database:      postgres://tlsgate:***@db.example.net/tlsgate?sslmode=verify-full, pool 10',
    );
    expect(banner).not.toContain('s3cret');
  });

  it.each([
    ['postgres://u@[::1/tlsgate', 'not a valid URL'],
    ['postgres://u@db.example.net:5432/?sslmode=verify-full', 'names no database'],
    ['postgres://u@db.example.net/tlsgate', 'needs sslmode=verify-full'],
    ['postgres://u@db.example.net/tlsgate?sslmode=require', 'sslmode=require is not accepted'],
    ['postgres://u@db.example.net/tlsgate?sslmode=verify-ca', 'sslmode=verify-ca is not accepted'],
    ['postgres://u@db.example.net/t?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem', 'cannot be read'],
  ])('refuses %s: %s', (url, problem) => {
    const found = problems({ TLSGATE_DB: url });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^TLSGATE_DB: /);
    expect(found[0]).toContain(problem);
  });

  it('refuses a pool size that is not 1 to 1000', () => {
    expect(problems({ TLSGATE_DB_POOL: '0' }).join()).toContain('TLSGATE_DB_POOL');
    expect(problems({ TLSGATE_DB_POOL: 'many' }).join()).toContain('TLSGATE_DB_POOL');
  });
});

describe('forced-TLS health and alerts', () => {
  const RELAY = { TLSGATE_SMTP_URL: 'smtp://relay.example:587', TLSGATE_SMTP_FROM: 'tlsgate@example.org' };

  it('checks every 6 hours and alerts nowhere by default', () => {
    expect(loadConfig({}, '/srv').health).toEqual({
      intervalMs: 6 * 3_600_000,
      alertEmails: [],
      alertWebhookUrl: null,
    });
  });

  it.each([
    ['6h', 6 * 3_600_000],
    ['30m', 1_800_000],
    ['900s', 900_000],
    ['1m', 60_000],
    ['7d', 7 * 86_400_000],
    [' 2H ', 2 * 3_600_000],
  ])('reads TLSGATE_HEALTH_INTERVAL=%j', (value, ms) => {
    expect(loadConfig({ TLSGATE_HEALTH_INTERVAL: value }).health.intervalMs).toBe(ms);
  });

  it.each(['59s', '0m', '8d', '6', 'six hours', '1.5h', '-1h'])(
    'refuses TLSGATE_HEALTH_INTERVAL=%j, saying what it takes',
    (value) => {
      expect(problems({ TLSGATE_HEALTH_INTERVAL: value })).toEqual([
        'TLSGATE_HEALTH_INTERVAL: give a number with s, m, h or d (e.g. 6h, 30m, 900s), from 1 minute to 7 days.',
      ]);
    },
  );

  it('reads the alert addresses and the webhook', () => {
    const config = loadConfig({
      ...RELAY,
      TLSGATE_ALERT_EMAILS: ' it@example.org, Security.Team@example.org ,',
      TLSGATE_ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secret',
    });
    expect(config.health).toMatchObject({
      alertEmails: ['it@example.org', 'Security.Team@example.org'],
      alertWebhookUrl: 'https://hooks.slack.com/services/T0/B0/secret',
    });
    // http only where nothing leaves the machine.
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'http://localhost:9/x'])
      expect(loadConfig({ TLSGATE_ALERT_WEBHOOK_URL: url }).health.alertWebhookUrl).toBe(url);
  });

  it('banners the webhook as set, never its URL (which holds its secret)', () => {
    const config = loadConfig({ TLSGATE_ALERT_WEBHOOK_URL: 'https://hooks.example/secret-part' });
    const banner = describeConfig(config).join('\n');
    expect(banner).toMatch(/Health checks: every 360 min; alerts to 0 address\(es\), webhook set \(hidden\)/);
    expect(banner).not.toContain('secret-part');
  });

  it.each([
    [
      { ...RELAY, TLSGATE_ALERT_EMAILS: 'it@example.org, not-an-address' },
      'TLSGATE_ALERT_EMAILS: "not-an-address"',
    ],
    [{ ...RELAY, TLSGATE_ALERT_EMAILS: 'a@b.example;c@d.example' }, 'TLSGATE_ALERT_EMAILS'],
    [{ TLSGATE_ALERT_EMAILS: 'it@example.org' }, 'TLSGATE_ALERT_EMAILS needs TLSGATE_SMTP_URL'],
    [
      { TLSGATE_ALERT_WEBHOOK_URL: 'http://hooks.example/secret-part' },
      'TLSGATE_ALERT_WEBHOOK_URL: give an https://',
    ],
    [{ TLSGATE_ALERT_WEBHOOK_URL: 'http://10.0.0.5/secret-part' }, 'TLSGATE_ALERT_WEBHOOK_URL'],
    [{ TLSGATE_ALERT_WEBHOOK_URL: 'ftp://hooks.example/secret-part' }, 'TLSGATE_ALERT_WEBHOOK_URL'],
    [{ TLSGATE_ALERT_WEBHOOK_URL: 'hooks.example/secret-part' }, 'TLSGATE_ALERT_WEBHOOK_URL'],
  ])('refuses %j, naming %s', (env, expected) => {
    const found = problems(env).join('\n');
    expect(found).toContain(expected);
    // The webhook URL is a secret of its own: a refusal does not repeat it.
    expect(found).not.toContain('secret-part');
  });
});

describe('npm start with a bad configuration', () => {
  it('exits non-zero with a clear message and no stack trace', async () => {
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '../../src/server/main.ts')],
      {
        env: { ...process.env, PORT: 'eighty', TLSGATE_AUTH: 'saml' },
        cwd: join(__dirname, '../..'),
      },
    ).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 2 });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('TLSGATE_AUTH');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
