/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { officeItemMode } from '../../addin/office/mode';
import type { PortalMessage } from '../../addin/shared/api';
import { createOfficeShim } from '../../addin/try/office-shim';
import { formatWhen } from '../../addin/taskpane/sent-securely';
import {
  alertDialog,
  API,
  dialogButton,
  FakeBackend,
  renderPane,
  to,
  WAIT,
} from '../support/taskpane-harness';

/** "Sent securely" in the pane: the sender's portal messages, revoke, extend, replies and their files. */

const DAY = 86_400_000;
const NOW = Date.now();
const iso = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();
const ID = {
  opened: '00000000-0000-4000-8000-000000000001',
  revoked: '00000000-0000-4000-8000-000000000002',
  delivered: '00000000-0000-4000-8000-000000000003',
};

function fixtures(): PortalMessage[] {
  const base = { verification: 'email-code', attachments: 0, lockedUntil: null, closedAt: null } as const;
  return [
    {
      ...base,
      id: ID.revoked,
      status: 'revoked',
      createdAt: iso(-10 * DAY),
      expiresAt: iso(-9 * DAY),
      maxExpiresAt: iso(80 * DAY),
      closedAt: iso(-9 * DAY),
      // Revoked: the key and with it the subject are gone.
      subject: null,
      replies: 0,
      recipients: [{ address: null, firstOpenedAt: null, lastOpenedAt: null }],
    },
    {
      ...base,
      id: ID.opened,
      status: 'opened',
      createdAt: iso(-2 * DAY),
      expiresAt: iso(12 * DAY),
      maxExpiresAt: iso(88 * DAY),
      subject: 'Deposit',
      replies: 2,
      recipients: [
        { address: 'ann@plain.example', firstOpenedAt: iso(-1 * DAY), lastOpenedAt: iso(-1 * DAY) },
        { address: 'bob@plain.example', firstOpenedAt: null, lastOpenedAt: null },
      ],
    },
    {
      ...base,
      id: ID.delivered,
      status: 'delivered',
      createdAt: iso(-5 * DAY),
      // Already as long as the policy allows: nothing to extend to.
      expiresAt: iso(85 * DAY),
      maxExpiresAt: iso(85 * DAY),
      subject: 'Invoice',
      replies: 0,
      recipients: [{ address: 'carol@plain.example', firstOpenedAt: null, lastOpenedAt: null }],
    },
  ];
}

const backend = new FakeBackend();
let messages = fixtures();
const calls: string[] = [];
let failing: 'list' | 'revoke' | null = null;
const byId = (id: string): PortalMessage => {
  const found = messages.find((m) => m.id === id);
  if (!found) throw new Error(id);
  return found;
};
const PORTAL = `${API}/api/v1/portal/messages`;
const server = setupServer(
  ...backend.handlers(),
  http.get(PORTAL, () => {
    calls.push('list');
    if (failing === 'list') return HttpResponse.error();
    return HttpResponse.json({ messages });
  }),
  http.post(`${PORTAL}/:id/revoke`, ({ params }) => {
    calls.push(`revoke ${String(params.id)}`);
    if (failing === 'revoke')
      return HttpResponse.json({ error: { code: 'INTERNAL', message: 'x' } }, { status: 500 });
    const message = byId(String(params.id));
    Object.assign(message, { status: 'revoked', closedAt: new Date().toISOString(), replies: 0 });
    return HttpResponse.json(message);
  }),
  http.post(`${PORTAL}/:id/extend`, async ({ params, request }) => {
    const { expiresAt } = (await request.json()) as { expiresAt: string };
    calls.push(`extend ${String(params.id)} ${expiresAt}`);
    const message = byId(String(params.id));
    message.expiresAt = expiresAt;
    return HttpResponse.json(message);
  }),
  http.get(`${PORTAL}/:id/replies`, ({ params }) => {
    calls.push(`replies ${String(params.id)}`);
    return HttpResponse.json({
      replies: [
        {
          id: 1,
          from: 'ann@plain.example',
          participant: 1,
          at: iso(-DAY),
          text: 'Signed, see the scan.',
          attachments: [{ index: 0, name: 'scan.pdf', size: 12_800 }],
        },
        // A backend without reply attachments yet: no id, no attachments.
        { from: 'bob@plain.example', participant: 2, at: iso(-DAY / 2), text: 'Thanks!' },
      ],
    });
  }),
  http.get(`${PORTAL}/:id/replies/:reply/attachments/:index`, ({ params, request }) => {
    calls.push(`download ${String(params.id)} ${String(params.reply)} ${String(params.index)}`);
    expect(request.headers.get('accept')).toBe('*/*');
    return new HttpResponse(new Uint8Array([37, 80, 68, 70]), {
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="scan.pdf"',
      },
    });
  }),
);
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  backend.reset();
  messages = fixtures();
  calls.length = 0;
  failing = null;
});
afterAll(() => {
  server.close();
});

jest.setTimeout(60_000);

const en = (offsetMs: number): string => formatWhen(iso(offsetMs), 'en');
const DRAFT = { draft: { to: to('ann@plain.example'), body: 'Hello' } };

async function openSentView(
  tab = 'Sent securely',
  list = 'Messages you sent securely',
): Promise<HTMLElement> {
  await userEvent.click(await screen.findByRole('tab', { name: tab }, WAIT));
  return screen.findByRole('list', { name: list }, WAIT);
}

/**
 * A message's list item. Found with `hidden: true`: after a dialog, tabster can leave the pane aria-hidden
 * in jsdom for a while (see alertDialog in the harness); Chromium checks the real tree (the e2e test).
 */
function row(subject: string): HTMLElement {
  const item = screen.getByRole('heading', { name: subject, level: 3, hidden: true }).closest('li');
  if (!item) throw new Error(`no row for ${subject}`);
  return item;
}

async function dialog(title: string): Promise<HTMLElement> {
  const heading = await screen.findByText(title, {}, WAIT);
  const found = heading.closest<HTMLElement>('[role="dialog"], [role="alertdialog"]');
  if (!found) throw new Error(`"${title}" is not in a dialog`);
  return found;
}

describe('the Sent securely view', () => {
  it('lists the messages newest first with state, opens, expiry and replies', async () => {
    renderPane(DRAFT);
    // The Recipients view is the first; the sent list is fetched only when asked for.
    expect(await screen.findByRole('heading', { name: 'Recipients', level: 2 }, WAIT)).toBeTruthy();
    expect(calls).toEqual([]);
    const list = await openSentView();
    expect(
      within(list)
        .getAllByRole('heading', { level: 3 })
        .map((h) => h.textContent),
    ).toEqual(['Deposit', 'Invoice', '(no subject)']);

    const deposit = row('Deposit');
    expect(deposit.textContent).toContain(`Opened · Sent ${en(-2 * DAY)} · 2 replies`);
    expect(deposit.textContent).toContain(`Readable until ${en(12 * DAY)}`);
    expect(
      within(within(deposit).getByRole('list', { name: 'Recipients' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([`ann@plain.example: opened ${en(-DAY)}`, 'bob@plain.example: not opened']);

    const delivered = row('Invoice');
    expect(delivered.textContent).toContain('Delivered');
    expect(delivered.textContent).toContain('It already stays readable as long as your organisation allows.');
    expect(within(delivered).getByRole('button', { name: 'Extend…' }).getAttribute('aria-disabled')).toBe(
      'true',
    );

    const revoked = row('(no subject)');
    expect(revoked.textContent).toContain(`Revoked ${en(-9 * DAY)}`);
    expect(revoked.textContent).toContain('A recipient (address deleted): not opened');
    expect(within(revoked).queryByRole('button')).toBeNull();
    // Dates as people read them, in the user's time zone.
    expect(en(0)).toMatch(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d{2}:\d{2}$/);
  });

  it('revokes only after the confirmation, once, and shows the row as revoked', async () => {
    renderPane(DRAFT);
    await openSentView();
    await userEvent.click(within(row('Deposit')).getByRole('button', { name: 'Revoke…' }));
    let confirm = await alertDialog('Revoke this message?');
    expect(confirm.textContent).toContain('This cannot be undone.');
    await userEvent.click(dialogButton(confirm, 'Cancel'));
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog', { hidden: true })).toBeNull();
    }, WAIT);
    expect(calls.filter((c) => c.startsWith('revoke'))).toEqual([]);
    expect(row('Deposit').textContent).toContain('Opened');

    await userEvent.click(within(row('Deposit')).getByRole('button', { name: 'Revoke…', hidden: true }));
    confirm = await alertDialog('Revoke this message?');
    await userEvent.click(dialogButton(confirm, 'Revoke'));
    expect(await screen.findByText('“Deposit” was revoked.', {}, WAIT)).toBeTruthy();
    expect(calls.filter((c) => c.startsWith('revoke'))).toEqual([`revoke ${ID.opened}`]);
    expect(row('Deposit').textContent).toMatch(/^Deposit.*Revoked/);
    expect(within(row('Deposit')).queryByRole('button', { name: 'Revoke…', hidden: true })).toBeNull();
  });

  it('extends within the cap the message carries', async () => {
    renderPane(DRAFT);
    await openSentView();
    await userEvent.click(within(row('Deposit')).getByRole('button', { name: 'Extend…' }));
    const choose = await dialog('Keep it readable for longer?');
    expect(choose.textContent).toContain(`until ${en(88 * DAY)} at the latest`);
    expect(
      within(choose)
        .getAllByRole('radio', { hidden: true })
        .map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent),
    ).toEqual([
      `7 days longer, until ${en(19 * DAY)}`,
      `30 days longer, until ${en(42 * DAY)}`,
      `As long as allowed, until ${en(88 * DAY)}`,
    ]);
    await userEvent.click(within(choose).getByRole('radio', { name: /^30 days longer/, hidden: true }));
    await userEvent.click(dialogButton(choose, 'Extend'));
    expect(
      await screen.findByText(`“Deposit” can now be read until ${en(42 * DAY)}.`, {}, WAIT),
    ).toBeTruthy();
    expect(calls.filter((c) => c.startsWith('extend'))).toEqual([`extend ${ID.opened} ${iso(42 * DAY)}`]);
    expect(row('Deposit').textContent).toContain(`Readable until ${en(42 * DAY)}`);
  });

  it('shows the replies with their files, and downloads one with the sign-in', async () => {
    const created: Blob[] = [];
    const clicks: Array<{ href: string; download: string }> = [];
    Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        created.push(blob);
        return 'blob:https://tlsgate.example.test/1';
      },
      revokeObjectURL: () => undefined,
    });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicks.push({ href: this.href, download: this.download });
    });
    try {
      renderPane(DRAFT);
      await openSentView();
      const show = within(row('Deposit')).getByRole('button', { name: 'Show 2 replies' });
      expect(show.getAttribute('aria-expanded')).toBe('false');
      await userEvent.click(show);
      const replies = await screen.findByRole('list', { name: 'Replies to “Deposit”' }, WAIT);
      expect(
        within(replies)
          .getAllByRole('heading', { level: 4 })
          .map((h) => h.textContent),
      ).toEqual([`ann@plain.example, ${en(-DAY)}`, `bob@plain.example, ${en(-DAY / 2)}`]);
      expect(replies.textContent).toContain('Signed, see the scan.');
      expect(replies.textContent).toContain('Thanks!');
      const file = within(replies).getByRole('button', { name: 'Download scan.pdf (13 KB)' });
      expect(within(replies).getAllByRole('button')).toHaveLength(1);

      await userEvent.click(file);
      expect(await screen.findByText('Downloaded scan.pdf.', {}, WAIT)).toBeTruthy();
      expect(calls).toContain(`download ${ID.opened} 1 0`);
      expect(clicks).toEqual([{ href: 'blob:https://tlsgate.example.test/1', download: 'scan.pdf' }]);
      expect(created[0]?.size).toBe(4);
    } finally {
      click.mockRestore();
    }
  });

  it('says what failed and keeps the list', async () => {
    renderPane(DRAFT);
    failing = 'list';
    await userEvent.click(await screen.findByRole('tab', { name: 'Sent securely' }, WAIT));
    expect(
      await screen.findByText(
        'Your secure messages could not be loaded. TLS Gate could not be reached.',
        {},
        WAIT,
      ),
    ).toBeTruthy();
    failing = null;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await screen.findByRole('list', { name: 'Messages you sent securely' }, WAIT);
    expect(screen.queryByRole('alert')).toBeNull();

    failing = 'revoke';
    await userEvent.click(within(row('Deposit')).getByRole('button', { name: 'Revoke…' }));
    await userEvent.click(dialogButton(await alertDialog('Revoke this message?'), 'Revoke'));
    expect(
      await screen.findByText(
        'The message was not revoked. TLS Gate turned the request down; wait a moment.',
        {},
        WAIT,
      ),
    ).toBeTruthy();
    expect(screen.getByRole('alert', { hidden: true }).textContent).toContain('The message was not revoked.');
    expect(row('Deposit').textContent).toContain('Opened');
    const list = screen.getByRole('list', { name: 'Messages you sent securely', hidden: true });
    expect(within(list).getAllByRole('heading', { level: 3, hidden: true })).toHaveLength(3);
  });

  it('speaks Dutch', async () => {
    renderPane({ ...DRAFT, displayLanguage: 'nl-NL' });
    await openSentView('Veilig verzonden', 'Berichten die u veilig verzond');
    const deposit = row('Deposit');
    expect(deposit.textContent).toContain(
      `Geopend · Verzonden ${formatWhen(iso(-2 * DAY), 'nl')} · 2 antwoorden`,
    );
    expect(deposit.textContent).toContain('bob@plain.example: niet geopend');
    expect(within(deposit).getByRole('button', { name: 'Intrekken…' })).toBeTruthy();
    expect(row('Invoice').textContent).toContain('Afgeleverd');
    expect(row('(geen onderwerp)').textContent).toContain('Ingetrokken');
  });
});

describe('the pane on a message being read', () => {
  it('shows only Sent securely and asks Office for no draft', async () => {
    const { shim } = renderPane({
      mode: 'read',
      draft: { subject: 'Re: Deposit', to: to('me@sender.example') },
    });
    await screen.findByRole('list', { name: 'Messages you sent securely' }, WAIT);
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Recipients', level: 2 })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Sent securely', level: 2 })).toBeTruthy();
    expect(shim.calls.filter((name) => /^(to|cc|bcc|subject|body)\./.test(name))).toEqual([]);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('officeItemMode', () => {
  it('tells a draft from a message being read, and takes anything else for read', () => {
    const set = (office: unknown): void => {
      (globalThis as { Office?: unknown }).Office = office;
    };
    set(createOfficeShim().Office);
    expect(officeItemMode()).toBe('compose');
    set(createOfficeShim({ mode: 'read' }).Office);
    expect(officeItemMode()).toBe('read');
    set({ context: { mailbox: { item: null } } });
    expect(officeItemMode()).toBe('read');
    set(undefined);
    expect(officeItemMode()).toBe('read');
  });
});
