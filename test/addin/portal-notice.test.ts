import {
  hasPortalNotice,
  PORTAL_NOTICE_END,
  PORTAL_NOTICE_START,
  portalNoticeHtml,
  withoutPortalNotice,
} from '../../addin/shared/portal-notice';
import { classifyMessage } from '../../src/core/classifier/index';
import { DEFAULT_POLICY } from '../../src/core/policy';

const LINK = 'https://portal.example.test/m/1f2e?x=1&y="2"';

describe('portal notice', () => {
  it('carries the markers, the escaped link and the expiry, in English and Dutch', () => {
    const en = portalNoticeHtml(LINK, '2026-12-24T10:00:00Z', 'en');
    expect(en.startsWith(PORTAL_NOTICE_START)).toBe(true);
    expect(en.endsWith(PORTAL_NOTICE_END)).toBe(true);
    expect(en).toContain('href="https://portal.example.test/m/1f2e?x=1&amp;y=&quot;2&quot;"');
    expect(en).toContain('secure portal');
    expect(en).toContain('24 December 2026');
    const nl = portalNoticeHtml(LINK, '2026-12-24T10:00:00Z', 'nl');
    expect(nl).toContain('beveiligd portaal');
    expect(nl).toContain('24 december 2026');
  });

  it('is recognised, and what surrounds it is kept', () => {
    const notice = portalNoticeHtml(LINK, '2026-12-24T10:00:00Z', 'en');
    const body = `<p>Hi Ann,</p>${notice}<p>Regards</p>`;
    expect(hasPortalNotice(body)).toBe(true);
    expect(hasPortalNotice('<p>Hello</p>')).toBe(false);
    expect(withoutPortalNotice(body)).toBe('<p>Hi Ann,</p><p>Regards</p>');
  });

  it('is not trusted when its end marker is gone', () => {
    const body = `${PORTAL_NOTICE_START}<p>NL91 ABNA 0417 1643 00</p>`;
    expect(withoutPortalNotice(body)).toBe(body);
  });

  it('holds nothing the classifier reports', () => {
    for (const language of ['en', 'nl'] as const) {
      const { findings } = classifyMessage(
        {
          subject: '',
          body: portalNoticeHtml(LINK, '2026-12-24T10:00:00Z', language),
          bodyType: 'html',
          attachmentNames: [],
          sensitivityLabelId: null,
        },
        DEFAULT_POLICY,
      );
      expect(findings).toEqual([]);
    }
  });
});
