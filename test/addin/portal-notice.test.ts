import {
  genuineNotices,
  hasPortalNotice,
  MAX_NOTICE_LINKS,
  PORTAL_NOTICE_END,
  PORTAL_NOTICE_START,
  portalNoticeHtml,
  textOutside,
  textOutsideTrustedNotices,
} from '../../addin/shared/portal-notice';
import { classifyMessage } from '../../src/core/classifier/index';
import { DEFAULT_POLICY } from '../../src/core/policy';

const LINK = 'https://portal.example.test/m/1f2e?x=1&y="2"';
const PLAIN_LINK = 'https://tlsgate.example.test/portal/m/Zx3kQ9vL2pT8mN4rB6wYcA';
const EXPIRES = '2026-12-24T10:00:00Z';
const SSN = 'SSN: 536-22-6789'; // not 123-45-6789: a well-known sample is never reported

/** The notice as Outlook on the web may store it: other quoting, entities, wrapping, an auto-linked URL. */
function reserialised(link: string): string {
  return (
    `<div class="elementToProof" style="font-family: Aptos, sans-serif">` +
    `<!--   tlsgate-portal-notice:v2 2026-12-24T10:00:00.000Z   -->\n` +
    `<div><p class=MsoNormal><span style='font-size:11pt'>This message was sent to you through a\n` +
    `secure&nbsp;portal, because its content is sensitive.</span><o:p></o:p></p>\n` +
    `<p><A HREF="${link}" target=_blank rel="noopener noreferrer" data-auth=NotApplicable ` +
    `data-linkindex="0">Open the message</A><br/>\n<a href='${link}'>${link}</a></p>\n` +
    `<p><span>The link works until 24 December 2026. You will be asked to confirm it is you.</span></p></div>` +
    `<!-- /tlsgate-portal-notice:v2 --></div>`
  );
}

const bodyWith = (notice: string) => `<p>Hi Ann,</p>${notice}<p>Regards</p>`;

describe('portal notice', () => {
  it('carries the markers with the expiry, the escaped link and the date, in English and Dutch', () => {
    const en = portalNoticeHtml(LINK, EXPIRES, 'en');
    expect(en.startsWith(`${PORTAL_NOTICE_START} 2026-12-24T10:00:00.000Z -->`)).toBe(true);
    expect(en.endsWith(PORTAL_NOTICE_END)).toBe(true);
    expect(en).toContain('href="https://portal.example.test/m/1f2e?x=1&amp;y=&quot;2&quot;"');
    expect(en).toContain('secure portal');
    expect(en).toContain('24 December 2026');
    const nl = portalNoticeHtml(LINK, EXPIRES, 'nl');
    expect(nl).toContain('beveiligd portaal');
    expect(nl).toContain('24 december 2026');
  });

  it('recognises the exact notice in either language, and keeps what surrounds it', () => {
    for (const language of ['en', 'nl'] as const) {
      const body = bodyWith(portalNoticeHtml(LINK, EXPIRES, language));
      expect(hasPortalNotice(body)).toBe(true);
      const found = genuineNotices(body);
      expect(found).toEqual([{ start: 14, end: body.length - '<p>Regards</p>'.length, link: LINK }]);
      expect(textOutside(body, found)).toBe('\nHi Ann,\n\n\nRegards\n');
    }
    expect(hasPortalNotice('<p>Hello</p>')).toBe(false);
  });

  it('recognises the notice as Outlook may store it again', () => {
    expect(genuineNotices(bodyWith(reserialised(PLAIN_LINK)))).toMatchObject([{ link: PLAIN_LINK }]);
  });

  it.each([
    ['sensitive text inside it', (n: string) => n.replace('</p>', `</p><p>${SSN}</p>`)],
    ['a word added to it', (n: string) => n.replace('Open the message', 'Open the message now')],
    ['a link to elsewhere', (n: string) => n.replace('</div>', '<a href="https://evil.test/">x</a></div>')],
    ['a second, different link', (n: string) => n.replace(/<a href='[^']+'>/, "<a href='https://x.test/'>")],
    ['an image', (n: string) => n.replace('<o:p>', '<img src="https://evil.test/p.png"><o:p>')],
    ['a comment', (n: string) => n.replace('<o:p>', `<!-- ${SSN} --><o:p>`)],
    ['a tooltip', (n: string) => n.replace('<span>', `<span title="${SSN}">`)],
    ['a style sheet', (n: string) => n.replace('<o:p>', `<style>/* ${SSN} */</style><o:p>`)],
    ['a tag the scanner cannot read', (n: string) => n.replace('<o:p>', '<img src="x><o:p>')],
    ['another date', (n: string) => n.replace('24 December', '25 December')],
    ['another expiry in the marker', (n: string) => n.replace('2026-12-24T10', '2026-12-25T10')],
    ['an expiry that is no date', (n: string) => n.replace('2026-12-24T10:00:00.000Z', SSN)],
    ['no end marker', (n: string) => n.replace('<!-- /tlsgate-portal-notice:v2 -->', '')],
    ['no link', (n: string) => n.replace(/<\/?a\b[^>]*>/gi, '')],
  ])('does not take for a notice one with %s', (_what, change) => {
    const body = bodyWith(change(reserialised(PLAIN_LINK)));
    expect(hasPortalNotice(body)).toBe(true);
    expect(genuineNotices(body)).toEqual([]);
  });

  it('reads around a notice so that taking it out hides nothing after it', () => {
    const notice = portalNoticeHtml(PLAIN_LINK, EXPIRES, 'en');
    // A comment opened before the notice ends inside its start marker; with the notice cut out, it would
    // run on to the next "-->" and hide what is between.
    const comment = `<!-- ${notice}<p>${SSN}</p><!-- x -->`;
    // An attribute opened before it ends at the notice's first quote.
    const attribute = `<p title="${notice}">${SSN}</p>`;
    for (const body of [comment, attribute]) {
      const found = genuineNotices(body);
      expect(found).toHaveLength(1);
      expect(textOutside(body, found)).toContain('536-22-6789');
    }
  });

  it('trusts a notice only when the backend calls its link live', async () => {
    const body = bodyWith(portalNoticeHtml(PLAIN_LINK, EXPIRES, 'en'));
    const asked: string[] = [];
    const live = (answer: boolean) => (link: string) => {
      asked.push(link);
      return Promise.resolve(answer);
    };
    expect(await textOutsideTrustedNotices(body, live(true))).toBe('\nHi Ann,\n\n\nRegards\n');
    expect(asked).toEqual([PLAIN_LINK]);
    expect(await textOutsideTrustedNotices(body, live(false))).toBeNull();
    expect(await textOutsideTrustedNotices(body, () => Promise.reject(new Error('down')))).toBeNull();
    // Nothing that is not exactly the notice is even asked about.
    asked.length = 0;
    const fake = bodyWith(portalNoticeHtml(PLAIN_LINK, EXPIRES, 'en').replace('</div>', `${SSN}</div>`));
    expect(await textOutsideTrustedNotices(fake, live(true))).toBeNull();
    expect(asked).toEqual([]);
  });

  it('leaves a live notice out and judges a dead one with the rest of the body', async () => {
    const dead = `${PLAIN_LINK.slice(0, -1)}B`;
    const body =
      portalNoticeHtml(PLAIN_LINK, EXPIRES, 'en') + portalNoticeHtml(dead, EXPIRES, 'nl') + '<p>Bye</p>';
    const text = await textOutsideTrustedNotices(body, (link) => Promise.resolve(link === PLAIN_LINK));
    expect(text).toContain('Open het bericht');
    expect(text).toContain(dead);
    expect(text).not.toContain('Open the message');
  });

  it(`asks about at most ${MAX_NOTICE_LINKS} links`, async () => {
    const links = Array.from({ length: MAX_NOTICE_LINKS + 1 }, (_, i) => `${PLAIN_LINK.slice(0, -1)}${i}`);
    const body = links.map((link) => portalNoticeHtml(link, EXPIRES, 'en')).join('');
    const asked: string[] = [];
    const text = await textOutsideTrustedNotices(body, (link) => {
      asked.push(link);
      return Promise.resolve(true);
    });
    expect(asked).toEqual(links.slice(0, MAX_NOTICE_LINKS));
    expect(text).toContain(links[MAX_NOTICE_LINKS]);
  });

  it('holds nothing the classifier reports', () => {
    for (const language of ['en', 'nl'] as const) {
      const { findings } = classifyMessage(
        {
          subject: '',
          body: portalNoticeHtml(LINK, EXPIRES, language),
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
