import { htmlToText, normalizeText } from '../../src/core/classifier/normalize';
import type { Language } from '../../src/core/status';

/**
 * The short notice that replaces a draft's body once its content went to the secure portal, and how the
 * on-send check tells it apart from anything else between its markers (docs/portal.md, "In Outlook").
 *
 * The markers are HTML comments, which Outlook keeps in the HTML body; the start marker carries the expiry,
 * so the check can write the notice again for the link found inside and compare. Outlook may store the HTML
 * differently (quoting, white space, <br> forms, extra wrapping tags), so what is compared is the visible
 * text and the links; any other text, element, comment or link makes it "not a notice", and it is then
 * judged like the rest of the body. Even an exact notice is trusted only once the backend confirms that
 * its link is a live portal message of this sender.
 */

const MARK = 'tlsgate-portal-notice:v2';
/** How every notice starts; the rest of its start marker is the expiry and ` -->`. */
export const PORTAL_NOTICE_START = `<!-- ${MARK}`;
export const PORTAL_NOTICE_END = `<!-- /${MARK} -->`;

interface NoticeTexts {
  intro: string;
  open: string;
  expires: (date: string) => string;
  months: readonly string[];
}

const TEXTS: Readonly<Record<Language, NoticeTexts>> = {
  en: {
    intro: 'This message was sent to you through a secure portal, because its content is sensitive.',
    open: 'Open the message',
    expires: (date) => `The link works until ${date}. You will be asked to confirm it is you.`,
    months: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
  },
  nl: {
    intro: 'Dit bericht is via een beveiligd portaal naar u verzonden, omdat de inhoud gevoelig is.',
    open: 'Open het bericht',
    expires: (date) => `De link werkt tot ${date}. U wordt gevraagd te bevestigen dat u het bent.`,
    months: [
      'januari',
      'februari',
      'maart',
      'april',
      'mei',
      'juni',
      'juli',
      'augustus',
      'september',
      'oktober',
      'november',
      'december',
    ],
  },
};

const LANGUAGES: readonly Language[] = ['en', 'nl'];

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The expiry as the marker carries it (ISO, UTC, milliseconds), or null for something that is not a date. */
function canonicalExpiry(iso: string): string | null {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

// Written out rather than with toLocaleDateString: the classic Outlook runtime may lack locale data, and the
// send check must arrive at the same words as the task pane did.
function formatDate(iso: string, months: readonly string[]): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getDate()} ${months[date.getMonth()] ?? ''} ${date.getFullYear()}`;
}

/** The notice as HTML, with the portal link, in the sender's language. */
export function portalNoticeHtml(link: string, expiresAt: string, language: Language): string {
  const t = TEXTS[language];
  const href = escapeHtml(link);
  return (
    `${PORTAL_NOTICE_START} ${canonicalExpiry(expiresAt) ?? 'unknown'} --><div>` +
    `<p>${escapeHtml(t.intro)}</p>` +
    `<p><a href="${href}">${escapeHtml(t.open)}</a><br>${href}</p>` +
    `<p>${escapeHtml(t.expires(formatDate(expiresAt, t.months)))}</p>` +
    `</div>${PORTAL_NOTICE_END}`
  );
}

/** Whether an HTML body carries something that claims to be a portal notice. */
export function hasPortalNotice(html: string): boolean {
  return html.includes(MARK);
}

const START = /<!--\s*tlsgate-portal-notice:v2\s([^>]*?)-->/g;
const END = /<!--\s*\/tlsgate-portal-notice:v2\s*-->/g;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A tag (name and attributes, quoted values skipped), or the start of a comment, doctype or instruction. */
const TAG = /<(?:([!?])|(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>)/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
/** What an editor may wrap the notice's text in. Anything else (an image, a table, a form) is not the notice. */
const LAYOUT_TAGS = ['div', 'p', 'span', 'font', 'br', 'wbr', 'b', 'strong', 'i', 'em', 'u', 'o:p', 'a'];
/** Attributes that only style or tag an element; `href` only on links. A tooltip (`title`) is text. */
const LAYOUT_ATTRIBUTES = ['class', 'style', 'lang', 'dir', 'align', 'id', 'target', 'rel'];

/** Visible text, compared without white space: editors move line breaks and spaces around. */
function visibleText(html: string): string {
  return normalizeText(htmlToText(html)).replace(/\s+/g, '');
}

/** An attribute's value as a browser reads it (entities decoded). */
function attributeValue(raw: string): string {
  return htmlToText(raw).trim();
}

/**
 * The link of a notice whose content (between the markers) is exactly what portalNoticeHtml writes for
 * that link and the marker's expiry, in either language; null for anything else.
 */
function genuineLink(inner: string, expiry: string): string | null {
  if (!ISO.test(expiry) || canonicalExpiry(expiry) !== expiry) return null;
  let link: string | null = null;
  const seen: number[] = [];
  const tags = new RegExp(TAG.source, 'g');
  for (let tag = tags.exec(inner); tag !== null; tag = tags.exec(inner)) {
    seen.push(tag.index);
    const name = (tag[3] ?? '').toLowerCase();
    if (tag[1] !== undefined || !LAYOUT_TAGS.includes(name)) return null;
    if (tag[2] === '/') continue;
    let href: string | null = null;
    const attributes = new RegExp(ATTRIBUTE.source, 'g');
    const source = tag[4] ?? '';
    for (let a = attributes.exec(source); a !== null; a = attributes.exec(source)) {
      const attribute = (a[1] ?? '').toLowerCase();
      if (attribute === 'href' && name === 'a') href = attributeValue(a[2] ?? a[3] ?? a[4] ?? '');
      else if (!LAYOUT_ATTRIBUTES.includes(attribute) && attribute.indexOf('data-') !== 0) return null;
    }
    if (name !== 'a') continue;
    // Every link in it is the portal link (an editor may have linked the printed address too).
    if (href === null || href === '' || (link !== null && href !== link)) return null;
    link = href;
  }
  if (link === null) return null;
  // Every "<" that a browser could take for markup must be one of the tags looked at above.
  const opens = /<[A-Za-z/!?]/g;
  for (let open = opens.exec(inner); open !== null; open = opens.exec(inner))
    if (!seen.includes(open.index)) return null;
  const text = visibleText(inner);
  for (const language of LANGUAGES)
    if (text === visibleText(portalNoticeHtml(link, expiry, language))) return link;
  return null;
}

export interface PortalNoticeRegion {
  /** Where it starts and ends in the body, markers included. */
  start: number;
  end: number;
  link: string;
}

/** The notices in an HTML body that are exactly what the add-in writes (genuineLink); nothing else. */
export function genuineNotices(html: string): PortalNoticeRegion[] {
  const found: PortalNoticeRegion[] = [];
  const starts = new RegExp(START.source, 'g');
  const ends = new RegExp(END.source, 'g');
  for (let start = starts.exec(html); start !== null; start = starts.exec(html)) {
    const innerStart = start.index + start[0].length;
    ends.lastIndex = innerStart;
    const end = ends.exec(html);
    // A notice whose end marker was lost is not one.
    if (end === null) break;
    const link = genuineLink(html.slice(innerStart, end.index), (start[1] ?? '').trim());
    if (link === null) continue;
    found.push({ start: start.index, end: end.index + end[0].length, link });
    starts.lastIndex = end.index + end[0].length;
  }
  return found;
}

/**
 * The body's text without these notices. Each stretch between them is read on its own, so that taking a
 * notice out cannot join, say, a comment opened before it with one closed after it and hide what is between.
 */
export function textOutside(html: string, notices: readonly PortalNoticeRegion[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const notice of notices) {
    parts.push(htmlToText(html.slice(from, notice.start)));
    from = notice.end;
  }
  parts.push(htmlToText(html.slice(from)));
  return parts.join('\n');
}

/** At most this many different portal links are checked with the backend; more are not trusted. */
export const MAX_NOTICE_LINKS = 3;

/**
 * The body's text outside the notices that can be trusted, or null when none can: a notice counts only
 * when it is exactly what the add-in writes and `isLive` confirms that its link is a live portal message of
 * this sender. A failed or refused check means "not live": the notice is then judged like everything else.
 */
export async function textOutsideTrustedNotices(
  html: string,
  isLive: (link: string) => Promise<boolean>,
): Promise<string | null> {
  const notices = genuineNotices(html);
  const links: string[] = [];
  for (const notice of notices) if (!links.includes(notice.link)) links.push(notice.link);
  const live: string[] = [];
  await Promise.all(
    links.slice(0, MAX_NOTICE_LINKS).map(async (link) => {
      if (await isLive(link).catch(() => false)) live.push(link);
    }),
  );
  const trusted = notices.filter((notice) => live.includes(notice.link));
  return trusted.length === 0 ? null : textOutside(html, trusted);
}
