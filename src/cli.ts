import {
  FORCED_TLS_OPTION,
  formatDelivery,
  parseForcedTls,
  withDelivery,
  type ForcedTlsTest,
} from './cli-forced-tls';
import { parseCommand, UsageError, type CliIo } from './cli-io';
import type { DomainReport, Finding, MxReport } from './core/report';
import { STATUS_LABELS, type DomainStatus } from './core/status';
import { checkDomains, DEFAULT_TIMEOUT_MS, type CheckOptions } from './probe/check';
import { parseDnsServer } from './probe/dns';
import { MIGRATE_STORE_USAGE, runMigrateStore } from './cli-migrate-store';
import { runScan, SCAN_USAGE } from './scan';

/** The `tlsgate` command. Exit 0: all checked; 2: usage error or an invalid input; 1: unexpected failure. */

const USAGE = `Usage:
  tlsgate check DOMAIN_OR_ADDRESS... [--json] [--forced-tls LEVEL[:NAME]] [--dns-server HOST:PORT]...
                [--allow-private-networks] [--timeout-ms N]

Checks how mail to each domain would travel: enforced TLS (MTA-STS enforce or DANE), opportunistic
TLS, no TLS, no mail server, or unknown. With --forced-tls: whether a TLS-required connector would
deliver to it (delivered, at risk, not delivered), each MX accepted or refused and why.

Options:
  --json                     print one JSON array of reports on stdout (with --forced-tls: each with
                             its \`delivery\` verdict)
${FORCED_TLS_OPTION}
  --dns-server HOST[:PORT]   resolver to ask (repeatable); default: the system's
  --allow-private-networks   also contact loopback and private addresses (off: SSRF guard)
  --timeout-ms N             budget for each domain, 100..120000 ms (default ${DEFAULT_TIMEOUT_MS})
  -h, --help                 show this help

${SCAN_USAGE}
${MIGRATE_STORE_USAGE}`;

interface CheckCommand {
  inputs: string[];
  json: boolean;
  options: CheckOptions;
  forcedTls?: ForcedTlsTest;
}

function parseCheck(args: string[]): CheckCommand {
  const { values, positionals } = parseCommand(args, {
    json: { type: 'boolean', default: false },
    'dns-server': { type: 'string', multiple: true },
    'allow-private-networks': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string' },
    'forced-tls': { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('Give at least one domain or address to check.');
  if (positionals.length > 1000) throw new UsageError('At most 1000 domains can be checked at once.');

  const options: CheckOptions = { allowPrivateNetworks: values['allow-private-networks'] };
  if (values['timeout-ms'] !== undefined) {
    const timeout = Number(values['timeout-ms']);
    if (!/^\d+$/.test(values['timeout-ms']) || timeout < 100 || timeout > 120_000)
      throw new UsageError('--timeout-ms must be a whole number from 100 to 120000.');
    options.timeoutMs = timeout;
  }
  const servers = values['dns-server'];
  if (servers) {
    for (const server of servers) {
      try {
        parseDnsServer(server);
      } catch (error) {
        throw new UsageError(`--dns-server: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    options.dnsServers = servers;
  }
  const forcedTls = values['forced-tls'] === undefined ? undefined : parseForcedTls(values['forced-tls']);
  return { inputs: positionals, json: values.json, options, ...(forcedTls ? { forcedTls } : {}) };
}

const COLOURS: Record<DomainStatus, string> = {
  enforced: '\x1b[32m',
  opportunistic: '\x1b[33m',
  none: '\x1b[31m',
  'no-mail': '\x1b[90m',
  unknown: '\x1b[35m',
  invalid: '\x1b[31m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

function headline(report: DomainReport): string {
  const finding = [...report.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  )[0];
  return finding?.message ?? '';
}

function mxLine(mx: MxReport): string {
  const parts = [`${mx.host} (${mx.preference})`];
  if (!mx.reachable) parts.push('not tested');
  else if (!mx.starttls) parts.push('no STARTTLS');
  else if (mx.tls) {
    parts.push(mx.tls.version, mx.tls.trusted ? 'trusted' : `untrusted (${mx.tls.trustError ?? '?'})`);
    if (!mx.tls.nameMatches) parts.push('name mismatch');
  }
  if (mx.dane.state !== 'none') parts.push(`DANE ${mx.dane.state}`);
  if (mx.mtaStsMatch === false) parts.push('not in MTA-STS policy');
  if (mx.requireTls) parts.push('REQUIRETLS');
  return parts.join(', ');
}

export function formatTable(reports: readonly DomainReport[], colour: boolean): string {
  const paint = (code: string, text: string): string => (colour ? `${code}${text}${RESET}` : text);
  const rows = reports.map((report) => ({
    domain: report.domain || report.input,
    label: STATUS_LABELS.en[report.status],
    status: report.status,
    via: report.enforcement.length > 0 ? report.enforcement.join('+') : '-',
    note: headline(report),
  }));
  const width = {
    domain: Math.max(6, ...rows.map((row) => row.domain.length)),
    label: Math.max(6, ...rows.map((row) => row.label.length)),
    via: Math.max(3, ...rows.map((row) => row.via.length)),
  };
  const lines = [
    paint(
      DIM,
      `${'DOMAIN'.padEnd(width.domain)}  ${'STATUS'.padEnd(width.label)}  ${'VIA'.padEnd(width.via)}  NOTE`,
    ),
  ];
  rows.forEach((row, index) => {
    lines.push(
      `${row.domain.padEnd(width.domain)}  ${paint(COLOURS[row.status], row.label.padEnd(width.label))}  ${row.via.padEnd(width.via)}  ${row.note}`,
    );
    for (const mx of reports[index]?.mx ?? []) lines.push(paint(DIM, `  └ ${mxLine(mx)}`));
  });
  return `${lines.join('\n')}\n`;
}

async function runCheck(args: string[], io: CliIo): Promise<number> {
  const command = parseCheck(args);
  const probed = await checkDomains(command.inputs, command.options);
  const test = command.forcedTls;
  const reports = test ? withDelivery(probed, test, Date.now()) : probed;
  const colour = Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined;
  if (command.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else io.stdout.write(test ? formatDelivery(reports, test, colour) : formatTable(reports, colour));
  const invalid = reports.filter((report) => report.status === 'invalid');
  for (const report of invalid)
    io.stderr.write(`tlsgate: invalid input "${report.input}": ${report.findings[0]?.message ?? ''}\n`);
  return invalid.length > 0 ? 2 : 0;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === 'check') return await runCheck(rest, io);
    if (command === 'scan') return await runScan(rest, io);
    if (command === 'migrate-store') return await runMigrateStore(rest, io);
    throw new UsageError(`Unknown command "${command}".`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tlsgate: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr.write(
      `tlsgate: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
