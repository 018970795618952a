/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { daneReport, enforcedReport, mx, report } from '../support/reports';
import { renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

/** "Term: value" pairs of a details list, in order. */
function pairs(region: HTMLElement): string[] {
  return within(region)
    .getAllByRole('term')
    .map((term) => `${term.textContent}: ${term.nextElementSibling?.textContent ?? ''}`);
}

describe('the details panel', () => {
  it('shows MX TLS, certificates, MTA-STS, DANE, TLS-RPT and when it was checked', async () => {
    backend.set('secure.example', enforcedReport('secure.example'));
    renderPane({ draft: { to: to('carol@secure.example') } });
    const toggle = await screen.findByRole('button', { name: 'Details for secure.example' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'Details for secure.example' })).toBeNull();

    await userEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const region = screen.getByRole('region', { name: 'Details for secure.example' });
    expect(toggle.getAttribute('aria-controls')).toBe(region.id);
    const text = region.textContent;
    expect(text).toContain('mx1.secure.example (preference 10)');
    expect(text).toContain('mx2.secure.example (preference 20)');
    expect(pairs(region)).toEqual([
      expect.stringMatching(/^Last checked: 20 Nov 2026, \d\d:30$/) as string,
      'TLS version: TLSv1.3',
      'Cipher: TLS_AES_256_GCM_SHA384',
      "Certificate issuer: R11, Let's Encrypt",
      'Certificate expires: 1 Jan 2027',
      'Certificate: trusted',
      'TLS version: TLSv1.2',
      'Cipher: ECDHE-RSA-AES128-GCM-SHA256',
      "Certificate issuer: R11, Let's Encrypt",
      'Certificate expires: 1 Jan 2027',
      'Certificate: trusted',
      'Mode: enforce',
      'MX patterns: *.secure.example',
      'Max age: 7 days',
    ]);
    expect(within(region).getByRole('heading', { name: 'DANE' }).nextElementSibling?.textContent).toBe(
      'No TLSA records',
    );
    expect(within(region).getByRole('heading', { name: 'TLS-RPT' }).nextElementSibling?.textContent).toBe(
      'Published',
    );

    await userEvent.click(toggle);
    expect(screen.queryByRole('region', { name: 'Details for secure.example' })).toBeNull();
  });

  it('shows DANE per MX, and MX hosts without STARTTLS or that did not answer', async () => {
    backend.set('dane.example', daneReport('dane.example'));
    backend.set(
      'mixed.example',
      report('mixed.example', 'none', {
        mx: [
          mx('a.mixed.example', 10, { starttls: false, tls: null }),
          mx('b.mixed.example', 20, { reachable: false, starttls: false, tls: null }),
        ],
        mtaSts: {
          record: 'v=STSv1; id=1',
          id: '1',
          mode: null,
          mx: [],
          max_age: null,
          error: {
            code: 'MTA_STS_FETCH_FAILED',
            message: 'https://mta-sts.mixed.example/.well-known/mta-sts.txt: 404',
          },
        },
      }),
    );
    renderPane({ draft: { to: to('a@dane.example', 'b@mixed.example') } });
    await userEvent.click(await screen.findByRole('button', { name: 'Details for dane.example' }));
    await userEvent.click(screen.getByRole('button', { name: 'Details for mixed.example' }));

    const dane = screen.getByRole('region', { name: 'Details for dane.example' });
    expect(pairs(dane)).toContain('mail.dane.example: Valid');
    const mixed = screen.getByRole('region', { name: 'Details for mixed.example' });
    expect(pairs(mixed)).toEqual(
      expect.arrayContaining(['TLS version: No STARTTLS', 'TLS version: Did not answer']),
    );
    expect(mixed.textContent).toContain('https://mta-sts.mixed.example/.well-known/mta-sts.txt: 404');
  });

  it('are reachable by keyboard', async () => {
    backend.set('secure.example', enforcedReport('secure.example'));
    renderPane({ draft: { to: to('carol@secure.example') } });
    const toggle = await screen.findByRole('button', { name: 'Details for secure.example' });
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('region', { name: 'Details for secure.example' })).toBeTruthy();
    await userEvent.keyboard(' ');
    expect(screen.queryByRole('region', { name: 'Details for secure.example' })).toBeNull();
  });
});
