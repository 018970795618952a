import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { runSendCheck } from '../../addin/launchevent/send-check';
import { officeComposeItem, officeMailbox, type TaskpaneOffice } from '../../addin/office/compose';
import { officeDurableStore } from '../../addin/office/storage';
import { createApiClient } from '../../addin/shared/api';
import {
  loadLastPolicy,
  offlinePolicy,
  POLICY_STORE_KEY,
  ROAMING_BUDGET,
  savePolicy,
} from '../../addin/shared/policy-store';
import { PaneController } from '../../addin/taskpane/controller';
import { createOfficeShim, type OfficeShim, type ShimOptions } from '../../addin/try/office-shim';
import { DEFAULT_POLICY, forcedTlsCovers, type CustomRule, type OrgPolicy } from '../../src/core/policy';
import { lookupAnswering } from '../support/send-harness';

/**
 * The last policy kept across sessions: roaming settings (32 KB) and OfficeRuntime.storage through the real
 * adapter over the in-page Office. What is read back is validated, and whatever cannot be kept whole is kept
 * only in a stricter form.
 */

const BASE = 'https://tlsgate.example.test';
const ORG: OrgPolicy = {
  ...DEFAULT_POLICY,
  onBackendError: 'block',
  trustedDomains: ['partner.example'],
  detection: {
    disabledDetectors: ['us-ssn'],
    customRules: [
      {
        id: 'bluefin',
        name: 'Project Bluefin',
        kind: 'keywords',
        keywords: ['Bluefin'],
        sensitivity: 'high',
      },
      {
        id: 'ref',
        name: 'Case ref',
        kind: 'regex',
        pattern: 'CASE-\\d{6}',
        caseInsensitive: true,
        sensitivity: 'low',
      },
    ],
    labels: [{ labelId: '0b6c3a8e-5d1f-4c2b-9e7a-2f4d6b8c1a3e', name: 'Confidential', sensitivity: 'high' }],
  },
};

let stub: OfficeShim;

function install(options: ShimOptions): OfficeShim {
  stub = createOfficeShim(options);
  (globalThis as { Office?: unknown }).Office = stub.Office;
  if (stub.OfficeRuntime) (globalThis as { OfficeRuntime?: unknown }).OfficeRuntime = stub.OfficeRuntime;
  return stub;
}

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
  delete (globalThis as { OfficeRuntime?: unknown }).OfficeRuntime;
});

/** Many long domains: a policy whose allow-lists alone pass the roaming budget. */
const manyDomains = Array.from({ length: 2500 }, (_, i) => `partner-${String(i).padStart(5, '0')}.example`);
/** Rules that alone pass the roaming budget. */
const manyRules: CustomRule[] = Array.from({ length: 60 }, (_, i) => ({
  id: `rule-${i}`,
  name: `Rule ${i}`,
  kind: 'keywords',
  keywords: Array.from({ length: 40 }, (_, k) => `codeword-${i}-${k}`),
  sensitivity: 'medium',
}));

describe('keeping the last policy', () => {
  it('keeps the policy in roaming settings exactly, and saves again only when it changed', async () => {
    const roaming: Record<string, unknown> = {};
    install({ roaming });
    await savePolicy(officeDurableStore(), { policy: ORG, version: 7 });
    expect(stub.roamingSaves()).toBe(1);

    // The next session reads what the mailbox kept.
    install({ roaming });
    expect(await loadLastPolicy(officeDurableStore())).toEqual({ kind: 'full', version: 7, policy: ORG });
    await savePolicy(officeDurableStore(), { policy: ORG, version: 7 });
    expect(stub.roamingSaves()).toBe(0);
    await savePolicy(officeDurableStore(), { policy: { ...ORG, portal: true }, version: 8 });
    expect(stub.roamingSaves()).toBe(1);
  });

  it.each([
    ['not JSON', '{"v":1,"kind":"full"'],
    ['another format version', { v: 2, kind: 'full', version: 1, policy: ORG }],
    ['no version', { v: 1, kind: 'full', policy: ORG }],
    [
      'an action that does not exist',
      { v: 1, kind: 'full', version: 1, policy: { ...ORG, onBackendError: 'never' } },
    ],
    [
      'a rule without keywords',
      {
        v: 1,
        kind: 'full',
        version: 1,
        policy: {
          ...ORG,
          detection: {
            ...ORG.detection,
            customRules: [{ id: 'x', name: 'x', kind: 'keywords', keywords: [], sensitivity: 'high' }],
          },
        },
      },
    ],
    [
      'a label of no sensitivity',
      {
        v: 1,
        kind: 'full',
        version: 1,
        policy: { ...ORG, detection: { ...ORG.detection, labels: [{ labelId: 'x', name: 'x' }] } },
      },
    ],
    [
      'a default expiry of 0 days',
      { v: 1, kind: 'full', version: 1, policy: { ...ORG, portalDefaultExpiryDays: 0 } },
    ],
    [
      'a maximum expiry that is not a whole number of days',
      { v: 1, kind: 'full', version: 1, policy: { ...ORG, portalMaxExpiryDays: '90' } },
    ],
    ['a too-large marker without its action', { v: 1, kind: 'too-large', version: 1 }],
    [
      'more than the roaming budget',
      { v: 1, kind: 'full', version: 1, policy: { ...ORG, trustedDomains: manyDomains } },
    ],
  ])('treats a kept value with %s as absent', async (_name, value) => {
    install({ roaming: { [POLICY_STORE_KEY]: value } });
    expect(await loadLastPolicy(officeDurableStore())).toBeNull();
  });

  it.each<[string, unknown]>([
    ['of an unknown level', { domain: 'bank.example', level: 'strict' }],
    ['without its domain', { level: 'encryption-only' }],
    ['of domain validation without the name', { domain: 'bank.example', level: 'domain-validation' }],
    [
      'with a name at a level that takes none',
      { domain: 'b.example', level: 'encryption-only', tlsDomain: 'x' },
    ],
    ['that is a number', 42],
  ])('treats a kept policy with a forced-TLS entry %s as absent (fail closed)', async (_name, entry) => {
    const policy = { ...ORG, forcedTlsDomains: ['old.example', entry] };
    install({ roaming: { [POLICY_STORE_KEY]: { v: 1, kind: 'full', version: 1, policy } } });
    expect(await loadLastPolicy(officeDurableStore())).toBeNull();
  });

  it('loads a policy kept before forced-TLS levels: plain strings become encryption-only entries', async () => {
    const older = { ...ORG, forcedTlsDomains: ['bank.example', '*.bank2.example'] };
    install({ roaming: { [POLICY_STORE_KEY]: { v: 1, kind: 'full', version: 5, policy: older } } });
    const kept = await loadLastPolicy(officeDurableStore());
    expect(kept).toEqual({
      kind: 'full',
      version: 5,
      policy: {
        ...ORG,
        forcedTlsDomains: [
          { domain: 'bank.example', level: 'encryption-only' },
          { domain: '*.bank2.example', level: 'encryption-only' },
        ],
      },
    });
    const policy = kept?.kind === 'full' ? kept.policy : DEFAULT_POLICY;
    expect(forcedTlsCovers('bank.example', policy.forcedTlsDomains)).toBe(true);
    expect(forcedTlsCovers('eu.bank2.example', policy.forcedTlsDomains)).toBe(true);
    expect(forcedTlsCovers('other.example', policy.forcedTlsDomains)).toBe(false);
  });

  it('keeps entries with their levels, and a policy an older backend sent with strings as entries', async () => {
    const roaming: Record<string, unknown> = {};
    install({ roaming });
    const entries: OrgPolicy['forcedTlsDomains'] = [
      { domain: 'bank.example', level: 'domain-validation', tlsDomain: 'mx.bank.example' },
      { domain: 'partner.example', level: 'certificate-validation' },
    ];
    await savePolicy(officeDurableStore(), { policy: { ...ORG, forcedTlsDomains: entries }, version: 6 });
    expect(await loadLastPolicy(officeDurableStore())).toEqual({
      kind: 'full',
      version: 6,
      policy: { ...ORG, forcedTlsDomains: entries },
    });
    const older = { ...ORG, forcedTlsDomains: ['bank.example'] } as unknown as OrgPolicy;
    await savePolicy(officeDurableStore(), { policy: older, version: 7 });
    expect(roaming[POLICY_STORE_KEY]).toMatchObject({
      version: 7,
      policy: { forcedTlsDomains: [{ domain: 'bank.example', level: 'encryption-only' }] },
    });
  });

  it('leaves out the allow-lists (stricter) when the policy does not fit roaming settings', async () => {
    const roaming: Record<string, unknown> = {};
    install({ roaming });
    const big = { ...ORG, trustedDomains: manyDomains, internalDomains: ['own.example'] };
    await savePolicy(officeDurableStore(), { policy: big, version: 9 });
    expect(JSON.stringify(roaming).length).toBeLessThanOrEqual(ROAMING_BUDGET);
    expect(await loadLastPolicy(officeDurableStore())).toEqual({
      kind: 'trimmed',
      version: 9,
      policy: { ...big, trustedDomains: [], internalDomains: [], forcedTlsDomains: [] },
    });
  });

  it('keeps only the strictest action when even the rules do not fit, and that then holds every message', async () => {
    const roaming: Record<string, unknown> = {};
    install({ roaming });
    const big = {
      ...ORG,
      onBackendError: 'warn' as const,
      detection: { ...ORG.detection, customRules: manyRules },
    };
    await savePolicy(officeDurableStore(), { policy: big, version: 10 });
    const last = await loadLastPolicy(officeDurableStore());
    expect(last).toEqual({ kind: 'too-large', version: 10, strictest: 'block' });
    expect(offlinePolicy(last, 'warn')).toMatchObject({ source: 'too-large', floor: 'block' });
  });

  it('keeps the whole policy in OfficeRuntime.storage where the runtime has it', async () => {
    const roaming: Record<string, unknown> = {};
    const runtimeStorage: Record<string, string> = {};
    install({ roaming, runtimeStorage });
    const big = { ...ORG, detection: { ...ORG.detection, customRules: manyRules } };
    await savePolicy(officeDurableStore(), { policy: big, version: 11 });
    expect(roaming[POLICY_STORE_KEY]).toMatchObject({ kind: 'too-large' });
    expect(await loadLastPolicy(officeDurableStore())).toEqual({ kind: 'full', version: 11, policy: big });

    // Corrupt there, the roaming copy is what is left.
    runtimeStorage[POLICY_STORE_KEY] = '{"v":1,';
    expect(await loadLastPolicy(officeDurableStore())).toMatchObject({ kind: 'too-large', version: 11 });
  });

  it('never leaves an older copy behind when the new one cannot be saved', async () => {
    // Other settings fill most of the 32 KB: the new policy (about 11 KB) no longer fits whole.
    const roaming: Record<string, unknown> = { other: 'x'.repeat(25_000) };
    install({ roaming });
    await savePolicy(officeDurableStore(), { policy: ORG, version: 1 });
    expect(await loadLastPolicy(officeDurableStore())).toMatchObject({ kind: 'full', version: 1 });
    const bigger = { ...ORG, trustedDomains: manyDomains.slice(0, 400) };
    await savePolicy(officeDurableStore(), { policy: bigger, version: 2 });
    expect(await loadLastPolicy(officeDurableStore())).toEqual({
      kind: 'trimmed',
      version: 2,
      policy: { ...bigger, trustedDomains: [] },
    });

    // Nothing at all fits any more: the copy of version 2 goes rather than stand for version 3.
    roaming.other = 'x'.repeat(32_700);
    install({ roaming });
    await savePolicy(officeDurableStore(), { policy: { ...ORG, onBackendError: 'warn' }, version: 3 });
    expect(await loadLastPolicy(officeDurableStore())).toBeNull();
  });

  it('loads a policy kept before the portal expiry fields, with the values they then had', async () => {
    const older: Partial<OrgPolicy> = { ...ORG };
    delete older.portalDefaultExpiryDays;
    delete older.portalMaxExpiryDays;
    install({ roaming: { [POLICY_STORE_KEY]: { v: 1, kind: 'full', version: 2, policy: older } } });
    const kept = await loadLastPolicy(officeDurableStore());
    expect(kept).toEqual({
      kind: 'full',
      version: 2,
      policy: { ...older, portalDefaultExpiryDays: 14, portalMaxExpiryDays: 90 },
    });
    // Its rules still hold, not the build default.
    expect(offlinePolicy(kept, 'block')).toMatchObject({ source: 'stored', floor: null });
  });

  it('keeps the portal expiry the organisation set', async () => {
    const roaming: Record<string, unknown> = {};
    install({ roaming });
    const policy = { ...ORG, portalDefaultExpiryDays: 7, portalMaxExpiryDays: 30 };
    await savePolicy(officeDurableStore(), { policy, version: 3 });
    install({ roaming });
    expect(await loadLastPolicy(officeDurableStore())).toEqual({ kind: 'full', version: 3, policy });
  });

  it('has the build default hold every message before any policy was kept', () => {
    expect(offlinePolicy(null, 'block')).toEqual({
      policy: { ...DEFAULT_POLICY, unknownAs: 'block', onBackendError: 'block' },
      source: 'build-default',
      floor: 'block',
    });
  });
});

describe('the send check with a kept policy too large to keep whole', () => {
  const server = setupServer(
    http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    lookupAnswering(BASE, 'enforced'),
  );
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(() => {
    server.close();
  });

  it("gives even harmless mail to an enforced domain the policy's strictest action", async () => {
    install({
      roaming: { [POLICY_STORE_KEY]: { v: 1, kind: 'too-large', version: 3, strictest: 'block' } },
      draft: { to: [{ emailAddress: 'bo@enforced.example' }], subject: 'Lunch', body: 'See you at noon.' },
    });
    const api = createApiClient({ baseUrl: BASE, fetch: (input, init) => fetch(input, init) });
    const env = {
      item: officeComposeItem(),
      mailbox: officeMailbox(),
      api,
      now: () => Date.now(),
      store: officeDurableStore(),
      offlineDefault: 'warn' as const,
    };
    const options = await runSendCheck(env, Date.now() + 3000);
    expect(options).toMatchObject({ allowEvent: false });
    expect(options).not.toHaveProperty('sendModeOverride');
  });
});

describe('the send check with a policy kept before forced-TLS levels', () => {
  const server = setupServer(
    http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
  );
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(() => {
    server.close();
  });

  it("still lets sensitive mail to the connector's domains through, and holds the rest", async () => {
    const older = { ...ORG, forcedTlsDomains: ['bank.example'] };
    const roaming = { [POLICY_STORE_KEY]: { v: 1, kind: 'full', version: 3, policy: older } };
    const check = (address: string) => {
      install({
        roaming,
        draft: { to: [{ emailAddress: address }], subject: 'Deposit', body: 'IBAN NL91 ABNA 0417 1643 00' },
      });
      const env = {
        item: officeComposeItem(),
        mailbox: officeMailbox(),
        api: createApiClient({ baseUrl: BASE, fetch: (input, init) => fetch(input, init) }),
        now: () => Date.now(),
        store: officeDurableStore(),
        offlineDefault: 'warn' as const,
      };
      return runSendCheck(env, Date.now() + 3000);
    };
    // The backend is down: the kept copy's connector still covers bank.example, its onBackendError the rest.
    expect(await check('bo@bank.example')).toEqual({ allowEvent: true });
    const other = await check('bo@other.example');
    expect(other).toMatchObject({ allowEvent: false });
    expect(other).not.toHaveProperty('sendModeOverride');
  });
});

describe('the task pane', () => {
  let policyUp = true;
  const server = setupServer(
    http.get(`${BASE}/api/v1/policy`, () =>
      policyUp ? HttpResponse.json({ policy: { ...ORG, portal: true }, version: 4 }) : HttpResponse.error(),
    ),
  );
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(() => {
    server.close();
  });

  /** The pane's content scan, which loads the policy as the send check does. */
  async function scanned(roaming: Record<string, unknown>): Promise<PaneController> {
    install({ roaming, draft: { subject: 'Lunch', body: 'See you at noon.' } });
    const controller = new PaneController({
      item: officeComposeItem(),
      mailbox: officeMailbox(),
      // The scan does not use the pane's own Office calls.
      office: {} as TaskpaneOffice,
      api: createApiClient({ baseUrl: BASE, fetch: (input, init) => fetch(input, init) }),
      store: officeDurableStore(),
    });
    await controller.scan();
    return controller;
  }

  it('keeps the policy it fetches, and uses the kept one when the backend is unreachable', async () => {
    const roaming: Record<string, unknown> = {};
    expect((await scanned(roaming)).getSnapshot().portal).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(roaming[POLICY_STORE_KEY]).toMatchObject({ kind: 'full', version: 4 });

    policyUp = false;
    const offline = await scanned(roaming);
    expect(offline.getSnapshot().problem).toBe('unreachable');
    expect(offline.getSnapshot().portal).toBe(true);
  });
});
