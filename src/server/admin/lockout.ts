import { classifyMessage } from '../../core/classifier/index';
import { decide } from '../../core/decide';
import type { OrgPolicy } from '../../core/policy';
import { blankReport } from '../../core/report';

/**
 * Refuses a policy that would stop ordinary mail for everyone, e.g. `low: block` with a keyword rule that
 * matches everyday words. It runs the real classifier and decision over a few harmless messages sent to a
 * domain with only opportunistic TLS (most of the internet).
 */

const ORDINARY_MAIL: ReadonlyArray<{ subject: string; body: string }> = [
  {
    subject: 'Lunch on Friday',
    body: 'Hi all, shall we have lunch at the usual place on Friday at 12:30? Let me know.',
  },
  {
    subject: 'Meeting notes',
    body: 'Thanks for joining today. The next meeting is on Tuesday 14 May at 10:00 in room 2.04.',
  },
  {
    subject: 'Re: planning',
    body: 'The draft planning is attached. Please send your comments before the end of the week.',
  },
  {
    subject: 'Your order has shipped',
    body: 'Order 20240517 is on its way. Track it with code 3SABCD1234567. Questions? Call 020 123 4567.',
  },
  {
    subject: 'Invoice 2024-0117',
    body: 'Please find invoice 2024-0117 for the workshop. The amount of EUR 1.250,00 is due within 30 days.',
  },
  {
    subject: 'Happy birthday!',
    body: 'Congratulations on your birthday, have a wonderful day and enjoy the cake.',
  },
  {
    subject: 'Lunch vrijdag',
    body: 'Hoi allemaal, zullen we vrijdag om half een gaan lunchen? Laat even weten of je mee wilt.',
  },
  {
    subject: 'Verslag overleg',
    body: 'Bedankt voor jullie komst. Het volgende overleg is dinsdag 14 mei om 10:00 in zaal 2.04.',
  },
  {
    subject: 'Offerte',
    body: 'Bijgaand de offerte voor de training. Graag hoor ik voor het eind van de maand of u akkoord bent.',
  },
  {
    subject: 'Nieuwsbrief juni',
    body: "In deze nieuwsbrief: de zomerborrel, nieuwe collega's en de planning voor het najaar.",
  },
];

export type LockoutCheck = { ok: true } | { ok: false; message: string; blocked: number; total: number };

export function checkLockout(policy: OrgPolicy): LockoutCheck {
  const recipient = {
    address: 'someone@lockout-check.example',
    report: blankReport('lockout-check.example', 'opportunistic'),
  };
  const blocked = ORDINARY_MAIL.filter((mail) => {
    const { findings } = classifyMessage({ ...mail, bodyType: 'text', attachmentNames: [] }, policy);
    return (
      decide([recipient], findings, policy, { senderAddress: 'admin@sender.example', language: 'en' })
        .action === 'block'
    );
  });
  // One blocked everyday mail can be a deliberate, strict rule; half of them is a policy that stops mail.
  if (blocked.length * 2 < ORDINARY_MAIL.length) return { ok: true };
  return {
    ok: false,
    blocked: blocked.length,
    total: ORDINARY_MAIL.length,
    message: `This policy would block ${blocked.length} of ${ORDINARY_MAIL.length} ordinary test emails (for example "${blocked[0]?.subject ?? ''}") to any domain without enforced TLS, which would stop mail for everyone. Check the custom rules and the action for low sensitivity.`,
  };
}
