import { formatDate, STRINGS, type Lang } from './i18n';
import type { SmsFailure } from './sms';

/**
 * The recipient's pages: plain template strings. Every value that is not markup of our own goes through
 * escapeHtml; the one exception is a message body, which comes from sanitizeBody. No page has a script.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export const PORTAL_CSS = `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #5b5b66; --line: #d9d9e0; --accent: #0b5cad; --bad: #a4262c; --good: #107c10; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f5f7; }
header { background: #1b1b1f; color: #fff; padding: 0.75rem 1.25rem; font-weight: 600; }
main { max-width: 46rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 1.75rem; border: 1px solid var(--line); border-radius: 8px; }
footer { max-width: 46rem; margin: 0 auto 2rem; color: var(--muted); font-size: 0.85rem; padding: 0 0.5rem; }
a { color: var(--accent); }
h1 { font-size: 1.5rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 0.5rem; }
label { display: block; font-weight: 600; margin: 1rem 0 0.25rem; }
input[type=email], input[type=text], input[type=date], textarea { width: 100%; font: inherit; padding: 0.5rem 0.6rem; border: 1px solid #8a8a96; border-radius: 4px; }
textarea { min-height: 8rem; resize: vertical; }
button { font: inherit; margin-top: 1rem; padding: 0.5rem 1.1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
button.link { background: none; color: var(--accent); padding: 0; text-decoration: underline; }
button.danger { background: var(--bad); }
input[type=date] { width: auto; }
.notice { padding: 0.6rem 0.8rem; border-radius: 4px; background: #eef5fc; border-left: 4px solid var(--accent); }
.notice.bad { background: #fdf0f0; border-color: var(--bad); }
.notice.good { background: #eff8ef; border-color: var(--good); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; color: var(--muted); margin: 0 0 1rem; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.body { border-top: 1px solid var(--line); padding-top: 1rem; overflow-wrap: anywhere; }
.body > :first-child { margin-top: 0; }
.body table { border-collapse: collapse; }
.body td, .body th { border: 1px solid var(--line); padding: 0.25rem 0.5rem; }
.text, .reply-text { white-space: pre-wrap; font: inherit; margin: 0; }
ul.files { padding-left: 1.25rem; }
.reply { border-left: 3px solid var(--line); padding: 0.25rem 0.75rem; margin: 0.75rem 0; }
.reply .who { color: var(--muted); font-size: 0.9rem; }
.row { display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: baseline; }
`;

/** A padlock on a shield; linked so browsers do not ask for /favicon.ico outside the portal. */
export const PORTAL_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#0b5cad" d="M16 2 4 6v9c0 7.5 5.1 13.3 12 15 6.9-1.7 12-7.5 12-15V6z"/><path fill="#fff" d="M11 15h10v8H11zm2-3a3 3 0 0 1 6 0v3h-2v-3a1 1 0 0 0-2 0v3h-2z"/></svg>`;

const CSS_PATH = '/portal/portal.css';
const ICON_PATH = '/portal/icon.svg';

function layout(lang: Lang, title: string, main: string): string {
  const t = STRINGS[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · ${escapeHtml(t.brand)}</title>
<link rel="stylesheet" href="${CSS_PATH}">
<link rel="icon" href="${ICON_PATH}" type="image/svg+xml">
</head>
<body>
<header>${escapeHtml(t.brand)}</header>
<main>
${main}
</main>
<footer>${escapeHtml(t.footer)}</footer>
</body>
</html>
`;
}

export type Notice = { kind: 'info' | 'bad' | 'good'; text: string } | null;

function notice(n: Notice): string {
  if (!n) return '';
  return `<p class="notice${n.kind === 'info' ? '' : ` ${n.kind}`}" role="status">${escapeHtml(n.text)}</p>`;
}

function base(token: string): string {
  return `/portal/m/${escapeHtml(token)}`;
}

function csrfField(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">`;
}

/** Sends a new code to the address given before (a plain button, or one that looks like a link). */
function resendForm(lang: Lang, token: string, csrf: string, email: string, buttonClass?: 'link'): string {
  return `<form method="post" action="${base(token)}/start">
${csrfField(csrf)}
<input type="hidden" name="email" value="${escapeHtml(email)}">
<button type="submit"${buttonClass ? ` class="${buttonClass}"` : ''}>${escapeHtml(STRINGS[lang].resend)}</button>
</form>`;
}

export function startPage(lang: Lang, token: string, csrf: string, n: Notice = null): string {
  const t = STRINGS[lang];
  return layout(
    lang,
    t.startTitle,
    `<h1>${escapeHtml(t.startTitle)}</h1>
${notice(n)}
<p>${escapeHtml(t.startIntro)}</p>
<form method="post" action="${base(token)}/start">
${csrfField(csrf)}
<label for="email">${escapeHtml(t.emailLabel)}</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" autofocus>
<button type="submit">${escapeHtml(t.continue)}</button>
</form>`,
  );
}

export type CodeKind = 'email-code' | 'sms-code' | 'access-code';

/** Where the code went (the address entered) and what kind of code it is. */
export interface CodeForm {
  email: string;
  kind: CodeKind;
}

export function codePage(lang: Lang, token: string, csrf: string, code: CodeForm, n: Notice = null): string {
  const { email, kind } = code;
  const t = STRINGS[lang];
  const intro =
    kind === 'email-code'
      ? t.codeSentEmail(email)
      : kind === 'sms-code'
        ? t.codeSentSms(email)
        : t.accessCodeIntro(email);
  const field =
    kind === 'access-code'
      ? `<label for="code">${escapeHtml(t.accessCodeLabel)}</label>
<input id="code" name="code" type="text" autocomplete="off" required maxlength="64" autofocus>`
      : `<label for="code">${escapeHtml(t.codeLabel)}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required maxlength="7" autofocus>`;
  const resend = kind === 'access-code' ? '' : resendForm(lang, token, csrf, email, 'link');
  return layout(
    lang,
    t.codeTitle,
    `<h1>${escapeHtml(t.codeTitle)}</h1>
${notice(n)}
<p>${escapeHtml(intro)}</p>
<form method="post" action="${base(token)}/verify">
${csrfField(csrf)}
<input type="hidden" name="email" value="${escapeHtml(email)}">
${field}
<button type="submit">${escapeHtml(t.open)}</button>
</form>
<div class="row">
${resend}
<p><a href="${base(token)}">${escapeHtml(t.otherAddress)}</a></p>
</div>`,
  );
}

export interface AttachmentView {
  index: number;
  name: string;
  size: number;
}

export interface ReplyView {
  /** The reply's number within the message, from 1. */
  id: number;
  from: string;
  at: number;
  text: string;
  attachments: AttachmentView[];
}

export interface MessageView {
  role: 'recipient' | 'sender';
  subject: string;
  senderEmail: string;
  createdAt: number;
  expiresAt: number;
  /** Markup from sanitizeBody, or null for a text body (then `text`). */
  html: string | null;
  text: string;
  attachments: AttachmentView[];
  replies: ReplyView[];
  /** On the sender's page: the latest expiry an extension may set, for the Extend and Revoke forms. */
  maxExpiresAt?: number;
}

export function messagePage(
  lang: Lang,
  token: string,
  csrf: string,
  view: MessageView,
  n: Notice = null,
): string {
  const t = STRINGS[lang];
  const subject = view.subject.trim() || t.noSubject;
  const body =
    view.html !== null
      ? `<div class="body">${view.html}</div>`
      : `<div class="body"><pre class="text">${escapeHtml(view.text)}</pre></div>`;
  const files = (path: string, list: AttachmentView[]) =>
    `<ul class="files">
${list
  .map(
    (a) => `<li><a href="${path}/${a.index}">${escapeHtml(a.name)}</a> (${escapeHtml(t.bytes(a.size))})</li>`,
  )
  .join('\n')}
</ul>`;
  const attachments =
    view.attachments.length === 0
      ? ''
      : `<h2>${escapeHtml(t.attachments)}</h2>
${files(`${base(token)}/attachments`, view.attachments)}`;
  const replies =
    view.replies.length === 0
      ? ''
      : `<h2>${escapeHtml(view.role === 'sender' ? t.replies : t.yourReplies)}</h2>
${view.replies
  .map(
    (
      r,
    ) => `<div class="reply"><div class="who">${escapeHtml(r.from)} · ${escapeHtml(formatDate(lang, r.at))}</div>
<pre class="reply-text">${escapeHtml(r.text)}</pre>${
      r.attachments.length === 0
        ? ''
        : `\n${files(`${base(token)}/replies/${r.id}/attachments`, r.attachments)}`
    }</div>`,
  )
  .join('\n')}`;
  const replyForm =
    view.role === 'sender'
      ? ''
      : `<h2>${escapeHtml(t.replyTitle)}</h2>
<form method="post" action="${base(token)}/reply" enctype="multipart/form-data">
${csrfField(csrf)}
<label for="text">${escapeHtml(t.replyLabel)}</label>
<textarea id="text" name="text" maxlength="20000"></textarea>
<label for="files">${escapeHtml(t.replyFilesLabel)}</label>
<input id="files" name="files" type="file" multiple>
<p>${escapeHtml(t.replyFilesHint)} ${escapeHtml(t.replyHint)}</p>
<button type="submit">${escapeHtml(t.sendReply)}</button>
</form>`;
  return layout(
    lang,
    subject,
    `${notice(n)}
<h1>${escapeHtml(subject)}</h1>
<dl class="meta">
<dt>${escapeHtml(t.from)}</dt><dd>${escapeHtml(view.senderEmail)}</dd>
<dt>${escapeHtml(t.sent)}</dt><dd>${escapeHtml(formatDate(lang, view.createdAt))}</dd>
<dt>${escapeHtml(t.availableUntil)}</dt><dd>${escapeHtml(formatDate(lang, view.expiresAt))}</dd>
</dl>
${body}
${attachments}
${replies}
${replyForm}
${view.role === 'sender' && view.maxExpiresAt !== undefined ? senderControls(lang, token, csrf, view, view.maxExpiresAt) : ''}
<form method="post" action="${base(token)}/logout">
${csrfField(csrf)}
<button type="submit" class="link">${escapeHtml(t.signOut)}</button>
</form>`,
  );
}

export function infoPage(lang: Lang, title: string, text: string, n: Notice = null): string {
  return layout(lang, title, `<h1>${escapeHtml(title)}</h1>\n${notice(n)}\n<p>${escapeHtml(text)}</p>`);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (at: number): string => new Date(at).toISOString().slice(0, 10);

/**
 * The day an extension to `day` (YYYY-MM-DD) ends: that day at the time of day the message was sent (UTC),
 * so the last day allowed ends exactly at the maximum. Null for anything that is not a date.
 */
export function extensionEnd(day: string, createdAt: number): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, date);
  if (isoDay(start) !== `${match[1]}-${match[2]}-${match[3]}`) return null;
  return start + (((createdAt % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The sender's Extend (a date, up to the maximum) and Revoke (asks for confirmation first) forms. */
function senderControls(lang: Lang, token: string, csrf: string, view: MessageView, max: number): string {
  const t = STRINGS[lang];
  const canExtend = max > view.expiresAt;
  const extend = canExtend
    ? `<form method="post" action="${base(token)}/extend">
${csrfField(csrf)}
<label for="until">${escapeHtml(t.extendLabel)}</label>
<input id="until" name="until" type="date" required value="${isoDay(view.expiresAt)}" max="${isoDay(max)}">
<p>${escapeHtml(t.extendHint(formatDate(lang, max)))}</p>
<button type="submit">${escapeHtml(t.extend)}</button>
</form>`
    : '';
  return `<h2>${escapeHtml(t.manageTitle)}</h2>
${extend}
<form method="post" action="${base(token)}/revoke">
${csrfField(csrf)}
<p>${escapeHtml(t.revokeIntro)}</p>
<button type="submit" class="danger">${escapeHtml(t.revoke)}</button>
</form>`;
}

/** The step before a revocation: it cannot be undone, so it is asked once more. */
export function revokeConfirmPage(lang: Lang, token: string, csrf: string): string {
  const t = STRINGS[lang];
  return layout(
    lang,
    t.revokeConfirmTitle,
    `<h1>${escapeHtml(t.revokeConfirmTitle)}</h1>
<p class="notice bad" role="alert">${escapeHtml(t.revokeConfirm)}</p>
<form method="post" action="${base(token)}/revoke">
${csrfField(csrf)}
<input type="hidden" name="confirm" value="yes">
<div class="row">
<button type="submit" class="danger">${escapeHtml(t.revokeYes)}</button>
<p><a href="${base(token)}">${escapeHtml(t.cancel)}</a></p>
</div>
</form>`,
  );
}

/** Stable codes for a text that was not sent, shown on the page for whoever helps the recipient. */
export const SMS_FAILURE_CODES: Record<SmsFailure, string> = {
  'invalid-number': 'SMS_INVALID_NUMBER',
  'rate-limited': 'SMS_RATE_LIMITED',
  unavailable: 'SMS_UNAVAILABLE',
};

/** The text with the code could not be sent: why, and (unless the number is wrong) a way to try again. */
export function smsFailedPage(
  lang: Lang,
  token: string,
  csrf: string,
  email: string,
  reason: SmsFailure,
): string {
  const t = STRINGS[lang];
  const retry = reason === 'invalid-number' ? '' : resendForm(lang, token, csrf, email);
  return layout(
    lang,
    t.smsFailedTitle,
    `<h1>${escapeHtml(t.smsFailedTitle)}</h1>
<p class="notice bad" role="alert">${escapeHtml(t.smsFailed[reason])}</p>
<p><small>${escapeHtml(t.errorCode(SMS_FAILURE_CODES[reason]))}</small></p>
${retry}
<p><a href="${base(token)}">${escapeHtml(t.otherAddress)}</a></p>`,
  );
}
