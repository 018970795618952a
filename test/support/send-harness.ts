import vm from 'node:vm';
import { http, HttpResponse } from 'msw';
import type { LookupReport } from '../../addin/shared/api';
import { createOfficeShim, type OfficeShim, type ShimOptions } from '../../addin/try/office-shim';
import type { Finding } from '../../src/core/report';
import type { DomainStatus } from '../../src/core/status';
import { report } from './reports';

/**
 * Runs the built launchevent.js the way classic Outlook does (a bare script with the in-page Office, fetch and
 * timers, without the builtins newer than ES2016) and records how its event was completed.
 */

const MODERN_BUILTINS = `
  delete Object.entries; delete Object.values; delete Object.fromEntries; delete Array.prototype.flat;
  delete Array.prototype.flatMap; delete String.prototype.padStart; delete String.prototype.padEnd;
  delete String.prototype.matchAll; delete String.prototype.replaceAll; delete Promise.prototype.finally;
  delete Promise.allSettled; delete Promise.any;
`;

export interface HandlerRun {
  stub: OfficeShim;
  /** Every call of event.completed, with its arguments. */
  calls: unknown[][];
  /** The first completion's options. */
  done: Promise<unknown>;
  /** Milliseconds from the handler's start to its first completion; null until then. */
  elapsed: () => number | null;
}

/** Loads the bundle in a fresh context (a new runtime, as for each event) and fires one handler. */
export function fireHandler(
  bundle: string,
  handler: 'onMessageSendHandler' | 'onMessageRecipientsChangedHandler',
  stubOptions: ShimOptions = {},
  globals: Record<string, unknown> = {},
): HandlerRun {
  const stub = createOfficeShim(stubOptions);
  const context = vm.createContext({
    Office: stub.Office,
    fetch: globalThis.fetch,
    setTimeout,
    clearTimeout,
    ...globals,
  });
  vm.runInContext(MODERN_BUILTINS, context);
  vm.runInContext(bundle, context, { filename: 'launchevent.js' });
  const fn = stub.actions.get(handler);
  if (!fn) throw new Error(`${handler} was not associated`);
  const calls: unknown[][] = [];
  let completedAt: number | null = null;
  let resolveDone: (value: unknown) => void = () => undefined;
  const done = new Promise((resolve) => {
    resolveDone = resolve;
  });
  const started = Date.now();
  fn({
    completed: (...args: unknown[]) => {
      completedAt ??= Date.now();
      calls.push(args);
      resolveDone(args[0]);
    },
  });
  return { stub, calls, done, elapsed: () => (completedAt === null ? null : completedAt - started) };
}

/** What the Smart Alert does with these options: allow, warn (Send Anyway) or block. */
export function actionOf(options: unknown): 'allow' | 'warn' | 'block' {
  const o = options as { allowEvent?: boolean; sendModeOverride?: unknown };
  if (o.allowEvent === true) return 'allow';
  return o.sendModeOverride === undefined ? 'block' : 'warn';
}

/** A lookup answer's report for `input` (an address or a domain), as the backend sends it. */
export function lookupReport(input: string, status: DomainStatus, findings: Finding[] = []): LookupReport {
  const domain = input.slice(input.lastIndexOf('@') + 1).toLowerCase();
  return {
    ...report(domain, status, { input, findings, enforcement: status === 'enforced' ? ['mta-sts'] : [] }),
    cached: false,
    stale: false,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  };
}

/** The lookup route answering every input with `status`. */
export function lookupAnswering(base: string, status: DomainStatus, findings: Finding[] = []) {
  return http.post(`${base}/api/v1/domains/lookup`, async ({ request }) => {
    const { domains } = (await request.json()) as { domains: string[] };
    return HttpResponse.json({ reports: domains.map((input) => lookupReport(input, status, findings)) });
  });
}

/** The backend's error body for one of its stable codes. */
export function errorAnswer(status: number, code: string, message: string) {
  return HttpResponse.json({ error: { code, message } }, { status });
}
