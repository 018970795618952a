import type { Language } from '../../src/core/status';

/**
 * The short notice that replaces a draft's body once its content went to the secure portal. The markers
 * (HTML comments, kept by Outlook in the HTML body) let the on-send check recognise the notice and judge
 * only what is outside it.
 */

export const PORTAL_NOTICE_START = '<!-- tlsgate-portal-notice:v1 -->';
export const PORTAL_NOTICE_END = '<!-- /tlsgate-portal-notice:v1 -->';

const TEXTS: Readonly<
  Record<Language, { intro: string; open: string; expires: (date: string) => string; locale: string }>
> = {
  en: {
    locale: 'en-GB',
    intro: 'This message was sent to you through a secure portal, because its content is sensitive.',
    open: 'Open the message',
    expires: (date) => `The link works until ${date}. You will be asked to confirm it is you.`,
  },
  nl: {
    locale: 'nl-NL',
    intro: 'Dit bericht is via een beveiligd portaal naar u verzonden, omdat de inhoud gevoelig is.',
    open: 'Open het bericht',
    expires: (date) => `De link werkt tot ${date}. U wordt gevraagd te bevestigen dat u het bent.`,
  },
};

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return date.toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });
  } catch {
    return iso.slice(0, 10);
  }
}

/** The notice as HTML, with the portal link, in the sender's language. */
export function portalNoticeHtml(link: string, expiresAt: string, language: Language): string {
  const t = TEXTS[language];
  const href = escapeHtml(link);
  return (
    `${PORTAL_NOTICE_START}<div>` +
    `<p>${escapeHtml(t.intro)}</p>` +
    `<p><a href="${href}">${escapeHtml(t.open)}</a><br>${href}</p>` +
    `<p>${escapeHtml(t.expires(formatDate(expiresAt, t.locale)))}</p>` +
    `</div>${PORTAL_NOTICE_END}`
  );
}

/** Whether an HTML body carries a portal notice. */
export function hasPortalNotice(html: string): boolean {
  return html.includes(PORTAL_NOTICE_START);
}

/** The HTML body without its portal notice(s): what the user added around it. */
export function withoutPortalNotice(html: string): string {
  let rest = html;
  for (;;) {
    const start = rest.indexOf(PORTAL_NOTICE_START);
    if (start < 0) return rest;
    const end = rest.indexOf(PORTAL_NOTICE_END, start);
    // A notice whose end marker was lost is not trusted: all of the body is judged.
    if (end < 0) return rest;
    rest = rest.slice(0, start) + rest.slice(end + PORTAL_NOTICE_END.length);
  }
}
