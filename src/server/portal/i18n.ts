/** The portal's words, in English and Dutch. Recipients get the language their browser asks for. */

export type Lang = 'en' | 'nl';

/** The best of en/nl by Accept-Language quality; English when neither is asked for. */
export function pickLanguage(header: string | undefined): Lang {
  if (!header) return 'en';
  let best: { lang: Lang; q: number } | null = null;
  for (const entry of header.split(',').slice(0, 20)) {
    const [range = '', ...params] = entry.trim().toLowerCase().split(';');
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = range.split('-')[0];
    const lang = primary === 'nl' ? 'nl' : primary === 'en' ? 'en' : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en';
}

const en = {
  brand: 'TLS Gate secure message',
  startTitle: 'You have a secure message',
  startIntro:
    'Someone sent you a message through a secure portal, because ordinary email to your address could travel unencrypted. To read it, enter your email address. If it is one of the addresses the message was sent to, you will get a code.',
  emailLabel: 'Your email address',
  invalidEmail: 'Enter a valid email address.',
  continue: 'Continue',
  codeTitle: 'Enter your code',
  codeSentEmail: (email: string): string =>
    `If ${email} is one of the recipients, we have sent a 6-digit code to it. The code is valid for 10 minutes and works once.`,
  codeSentSms: (email: string): string =>
    `If ${email} is one of the recipients, we have sent a 6-digit code by text message to the phone number the sender gave. The code is valid for 10 minutes and works once.`,
  accessCodeIntro: (email: string): string =>
    `Enter the access code the sender gave you (for example by phone) for ${email}.`,
  codeLabel: 'Code',
  accessCodeLabel: 'Access code',
  open: 'Open message',
  resend: 'Send a new code',
  otherAddress: 'Use another email address',
  wrongCode: 'That code is not right. Check it and try again.',
  voidCode: 'This code can no longer be used. Ask for a new one.',
  restart: 'Your sign-in has expired. Enter your email address again.',
  badForm: 'The form had expired. Please try again.',
  lockedTitle: 'Access is locked for now',
  locked:
    'Too many wrong codes were entered for this message, so access is locked for an hour. The sender has been told. Try again later.',
  goneTitle: 'This message is not available',
  gone: 'The link is not valid, or the message has expired or was withdrawn by the sender. Ask the sender to send it again if you still need it.',
  unavailableTitle: 'This message cannot be opened',
  unavailable: 'The message cannot be opened at the moment. Please contact the sender.',
  from: 'From',
  sent: 'Sent',
  availableUntil: 'Available until',
  attachments: 'Attachments',
  download: 'Download',
  replies: 'Replies',
  yourReplies: 'Your replies',
  replyTitle: 'Reply securely',
  replyHint: 'Your reply is stored encrypted and only the sender can read it.',
  replyLabel: 'Your reply',
  sendReply: 'Send reply',
  replySent: 'Your reply was sent securely.',
  replyEmpty: 'Write a reply of at most 20,000 characters.',
  replyFilesLabel: 'Attach files (optional)',
  replyFilesHint: 'Up to 10 files, 25 MB together.',
  replyTooManyFiles:
    'A reply can have at most 10 files. Nothing was sent: choose fewer files and send it again.',
  replyTooLarge:
    'The files are too large: together they may be at most 25 MB. Nothing was sent: choose smaller files and send it again.',
  replyNameTooLong:
    'A file name is too long (at most 200 characters). Nothing was sent: rename the file and send it again.',
  replyBadForm: 'The reply could not be read. Nothing was sent: please try again.',
  signOut: 'Sign out',
  signedOut: 'You have signed out.',
  noSubject: '(no subject)',
  tooManyTitle: 'Too many requests',
  tooMany: 'Please wait a minute and try again.',
  errorTitle: 'Something went wrong',
  error: 'Please try again in a moment.',
  notFound: 'This page does not exist.',
  smsFailedTitle: 'We could not send the text message',
  smsFailed: {
    'invalid-number':
      'We could not send the text message: the phone number the sender gave is not valid or cannot receive text messages. Ask the sender to check the number, or to send the message again another way.',
    'rate-limited':
      'We could not send the text message: too many were sent just now. Please try again in a few minutes.',
    unavailable:
      'We could not send the text message: the text message service did not answer. Please try again in a few minutes.',
  },
  errorCode: (code: string): string => `Error code: ${code}`,
  senderOnly: 'Only the sender of this message can do that.',
  manageTitle: 'Manage this message',
  extendLabel: 'Available until',
  extendHint: (max: string): string =>
    `The message stays available until the time it was sent on the day you choose, at the latest ${max}.`,
  extend: 'Extend',
  extended: (until: string): string => `The message is now available until ${until}.`,
  extendInvalid: 'Enter a date (year-month-day).',
  extendPast: 'Choose a later date. To end the message now, revoke it.',
  extendTooLate: (max: string): string => `The message can be available until ${max} at the latest.`,
  revokeIntro: 'Revoking deletes the message, its attachments and the replies for everyone at once.',
  revoke: 'Revoke message…',
  revokeConfirmTitle: 'Revoke this message?',
  revokeConfirm:
    'The message, its attachments and all replies will be deleted at once. Nobody can open it any more, you included, and everyone who has it open is signed out. This cannot be undone.',
  revokeYes: 'Yes, revoke it',
  cancel: 'Cancel',
  revokedTitle: 'The message was revoked',
  revoked: 'Its contents have been deleted and nobody can open it any more.',
  footer: 'This page runs no scripts and loads nothing from elsewhere. Your session ends after 30 minutes.',
  timeZone: 'UTC',
  bytes: (n: number): string =>
    n < 1024
      ? `${n} bytes`
      : n < 1024 * 1024
        ? `${(n / 1024).toFixed(0)} KB`
        : `${(n / 1048576).toFixed(1)} MB`,
  // Mail
  codeMailSubject: 'Your code for a secure message',
  codeMail: (code: string): string =>
    `Your code is ${code}\n\nEnter it on the page where you asked for it. It is valid for 10 minutes and works once.\n\nIf you did not ask for a code, you can ignore this email.\n\n-- TLS Gate secure portal`,
  codeSms: (code: string): string => `TLS Gate code: ${code} (valid 10 minutes)`,
  lockMailSubject: 'Access to your secure message was locked',
  lockMail: (sent: string, until: string): string =>
    `A wrong code was entered 10 times within an hour for your secure message sent ${sent}. Recipients cannot sign in until ${until}.\n\nIf your recipients are not trying to open it, consider revoking the message in TLS Gate.\n\n-- TLS Gate secure portal`,
  replyMailSubject: 'Reply to your secure message',
  replyMail: (from: string, sent: string, link: string, senderEmail: string, files: number): string =>
    `${from} replied to your secure message sent ${sent}.${files === 0 ? '' : files === 1 ? ' The reply has 1 attachment.' : ` The reply has ${files} attachments.`}\n\nRead the reply here:\n${link}\n\nYou will be asked for your email address (${senderEmail}) and a code sent to it.\n\n-- TLS Gate secure portal`,
};

export type Strings = typeof en;

const nl: Strings = {
  brand: 'TLS Gate beveiligd bericht',
  startTitle: 'U heeft een beveiligd bericht',
  startIntro:
    'Iemand heeft u een bericht gestuurd via een beveiligd portaal, omdat gewone e-mail naar uw adres onversleuteld kan reizen. Vul uw e-mailadres in om het te lezen. Als het een van de adressen is waaraan het bericht is gestuurd, krijgt u een code.',
  emailLabel: 'Uw e-mailadres',
  invalidEmail: 'Vul een geldig e-mailadres in.',
  continue: 'Verder',
  codeTitle: 'Vul uw code in',
  codeSentEmail: (email: string): string =>
    `Als ${email} een van de ontvangers is, hebben we er een code van 6 cijfers naartoe gestuurd. De code is 10 minuten geldig en werkt één keer.`,
  codeSentSms: (email: string): string =>
    `Als ${email} een van de ontvangers is, hebben we een code van 6 cijfers per sms gestuurd naar het telefoonnummer dat de afzender heeft opgegeven. De code is 10 minuten geldig en werkt één keer.`,
  accessCodeIntro: (email: string): string =>
    `Vul de toegangscode in die de afzender u heeft gegeven (bijvoorbeeld telefonisch) voor ${email}.`,
  codeLabel: 'Code',
  accessCodeLabel: 'Toegangscode',
  open: 'Bericht openen',
  resend: 'Nieuwe code sturen',
  otherAddress: 'Ander e-mailadres gebruiken',
  wrongCode: 'Die code klopt niet. Controleer hem en probeer het opnieuw.',
  voidCode: 'Deze code kan niet meer worden gebruikt. Vraag een nieuwe aan.',
  restart: 'Uw aanmelding is verlopen. Vul uw e-mailadres opnieuw in.',
  badForm: 'Het formulier was verlopen. Probeer het opnieuw.',
  lockedTitle: 'De toegang is tijdelijk geblokkeerd',
  locked:
    'Er zijn te veel verkeerde codes ingevuld voor dit bericht, daarom is de toegang een uur geblokkeerd. De afzender is op de hoogte gebracht. Probeer het later opnieuw.',
  goneTitle: 'Dit bericht is niet beschikbaar',
  gone: 'De link is ongeldig, of het bericht is verlopen of door de afzender ingetrokken. Vraag de afzender het opnieuw te sturen als u het nog nodig heeft.',
  unavailableTitle: 'Dit bericht kan niet worden geopend',
  unavailable: 'Het bericht kan op dit moment niet worden geopend. Neem contact op met de afzender.',
  from: 'Van',
  sent: 'Verzonden',
  availableUntil: 'Beschikbaar tot',
  attachments: 'Bijlagen',
  download: 'Downloaden',
  replies: 'Antwoorden',
  yourReplies: 'Uw antwoorden',
  replyTitle: 'Beveiligd antwoorden',
  replyHint: 'Uw antwoord wordt versleuteld bewaard en alleen de afzender kan het lezen.',
  replyLabel: 'Uw antwoord',
  sendReply: 'Antwoord versturen',
  replySent: 'Uw antwoord is beveiligd verstuurd.',
  replyEmpty: 'Schrijf een antwoord van hoogstens 20.000 tekens.',
  replyFilesLabel: 'Bestanden bijvoegen (optioneel)',
  replyFilesHint: 'Hoogstens 10 bestanden, samen 25 MB.',
  replyTooManyFiles:
    'Een antwoord kan hoogstens 10 bestanden hebben. Er is niets verstuurd: kies minder bestanden en verstuur het opnieuw.',
  replyTooLarge:
    'De bestanden zijn te groot: samen mogen ze hoogstens 25 MB zijn. Er is niets verstuurd: kies kleinere bestanden en verstuur het opnieuw.',
  replyNameTooLong:
    'Een bestandsnaam is te lang (hoogstens 200 tekens). Er is niets verstuurd: geef het bestand een kortere naam en verstuur het opnieuw.',
  replyBadForm: 'Het antwoord kon niet worden gelezen. Er is niets verstuurd: probeer het opnieuw.',
  signOut: 'Afmelden',
  signedOut: 'U bent afgemeld.',
  noSubject: '(geen onderwerp)',
  tooManyTitle: 'Te veel verzoeken',
  tooMany: 'Wacht een minuut en probeer het opnieuw.',
  errorTitle: 'Er ging iets mis',
  error: 'Probeer het zo opnieuw.',
  notFound: 'Deze pagina bestaat niet.',
  smsFailedTitle: 'We konden de sms niet versturen',
  smsFailed: {
    'invalid-number':
      'We konden de sms niet versturen: het telefoonnummer dat de afzender heeft opgegeven is ongeldig of kan geen sms ontvangen. Vraag de afzender het nummer te controleren, of het bericht op een andere manier te sturen.',
    'rate-limited':
      'We konden de sms niet versturen: er zijn er zojuist te veel verstuurd. Probeer het over een paar minuten opnieuw.',
    unavailable:
      'We konden de sms niet versturen: de sms-dienst antwoordde niet. Probeer het over een paar minuten opnieuw.',
  },
  errorCode: (code: string): string => `Foutcode: ${code}`,
  senderOnly: 'Alleen de afzender van dit bericht kan dat doen.',
  manageTitle: 'Dit bericht beheren',
  extendLabel: 'Beschikbaar tot',
  extendHint: (max: string): string =>
    `Het bericht blijft beschikbaar tot het tijdstip van verzenden op de dag die u kiest, uiterlijk ${max}.`,
  extend: 'Verlengen',
  extended: (until: string): string => `Het bericht is nu beschikbaar tot ${until}.`,
  extendInvalid: 'Vul een datum in (jaar-maand-dag).',
  extendPast: 'Kies een latere datum. Trek het bericht in om het nu te beëindigen.',
  extendTooLate: (max: string): string => `Het bericht kan uiterlijk tot ${max} beschikbaar zijn.`,
  revokeIntro: 'Intrekken verwijdert het bericht, de bijlagen en de antwoorden in één keer, voor iedereen.',
  revoke: 'Bericht intrekken…',
  revokeConfirmTitle: 'Dit bericht intrekken?',
  revokeConfirm:
    'Het bericht, de bijlagen en alle antwoorden worden in één keer verwijderd. Niemand kan het nog openen, u ook niet, en wie het open heeft wordt afgemeld. Dit kan niet ongedaan worden gemaakt.',
  revokeYes: 'Ja, intrekken',
  cancel: 'Annuleren',
  revokedTitle: 'Het bericht is ingetrokken',
  revoked: 'De inhoud is verwijderd en niemand kan het bericht nog openen.',
  footer: 'Deze pagina voert geen scripts uit en laadt niets van elders. Uw sessie eindigt na 30 minuten.',
  timeZone: 'UTC',
  bytes: (n: number): string =>
    n < 1024
      ? `${n} bytes`
      : n < 1024 * 1024
        ? `${(n / 1024).toFixed(0)} kB`
        : `${(n / 1048576).toFixed(1).replace('.', ',')} MB`,
  codeMailSubject: 'Uw code voor een beveiligd bericht',
  codeMail: (code: string): string =>
    `Uw code is ${code}\n\nVul deze in op de pagina waar u hem aanvroeg. De code is 10 minuten geldig en werkt één keer.\n\nHeeft u geen code aangevraagd? Dan kunt u deze e-mail negeren.\n\n-- TLS Gate beveiligd portaal`,
  codeSms: (code: string): string => `TLS Gate-code: ${code} (10 minuten geldig)`,
  lockMailSubject: 'Toegang tot uw beveiligde bericht is geblokkeerd',
  lockMail: (sent: string, until: string): string =>
    `Voor uw beveiligde bericht, verzonden ${sent}, is binnen een uur 10 keer een verkeerde code ingevuld. Ontvangers kunnen zich tot ${until} niet aanmelden.\n\nAls uw ontvangers het niet proberen te openen, overweeg dan het bericht in TLS Gate in te trekken.\n\n-- TLS Gate beveiligd portaal`,
  replyMailSubject: 'Antwoord op uw beveiligde bericht',
  replyMail: (from: string, sent: string, link: string, senderEmail: string, files: number): string =>
    `${from} heeft geantwoord op uw beveiligde bericht, verzonden ${sent}.${files === 0 ? '' : files === 1 ? ' Het antwoord heeft 1 bijlage.' : ` Het antwoord heeft ${files} bijlagen.`}\n\nLees het antwoord hier:\n${link}\n\nU wordt gevraagd om uw e-mailadres (${senderEmail}) en een code die daarnaartoe wordt gestuurd.\n\n-- TLS Gate beveiligd portaal`,
};

export const STRINGS: Record<Lang, Strings> = { en, nl };

const dateFormats: Record<Lang, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
  nl: new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
};

export function formatDate(lang: Lang, at: number): string {
  return `${dateFormats[lang].format(new Date(at))} ${STRINGS[lang].timeZone}`;
}
