/**
 * Issue 14, item 2: each class of miss (and of false alarm) as a rule, with variants in Dutch and English
 * and negatives beside each. Written from the rules, not from the held-out corpus.
 */
import { classifyText } from '../../src/core/classifier/index';
import { luhn } from '../../src/core/classifier/checksums';
import type { DetectorType } from '../../src/core/policy';

/** A Luhn-valid number of `length` digits that starts with `prefix` (the filler digits are arbitrary). */
function card(prefix: string, length: number): string {
  const body = (prefix + '73910482655037194826').slice(0, length - 1);
  for (let d = 0; d <= 9; d++) if (luhn(body + String(d))) return body + String(d);
  throw new Error('unreachable');
}

/** `digits` in groups of the given sizes, joined by `sep`. */
function grouped(digits: string, sizes: readonly number[], sep = ' '): string {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(sep);
}

function types(text: string, disabled: DetectorType[] = []): string[] {
  return classifyText(text, { disabledDetectors: disabled }).map((f) => f.type);
}

function found(text: string): [string, number, string][] {
  return classifyText(text).map((f) => [f.type, f.confidence, text.slice(f.start, f.end)]);
}

const VISA = grouped(card('4716', 16), [4, 4, 4, 4]);
const MC = grouped(card('5412', 16), [4, 4, 4, 4]);

describe('a specific keyword in the same sentence beats a generic word right before the number', () => {
  it('cards: a card keyword or expiry date in the sentence, "booking/order/reference" before the number', () => {
    for (const text of [
      `Please put it on my credit card for the booking: ${VISA}. Thanks!`,
      `Use the team Visa for the order ${MC}, it is approved.`,
      `I paid the invoice with my debit card, reference ${VISA}.`,
      `For the reservation: ${VISA}, 09/28.`,
      `Kun je mijn creditcard gebruiken voor de boeking: ${MC}? Dank je.`,
      `Ik betaal de bestelling met mijn Mastercard, referentie ${MC}.`,
      `Voor het dossier: ${VISA} geldig tot 11/27.`,
    ])
      expect(types(text)).toEqual(['payment-card']);
  });

  it('cards: without a card word in that sentence, the generic label still rules the number out', () => {
    for (const text of [
      `Refund reference: ${VISA}. The credit card was charged twice.`,
      `Order: ${MC}. We accept credit cards.`,
      `Referentie ${VISA}. Betalen kan met creditcard.`,
      `Boeking: ${MC}.\nDe creditcard wordt pas bij aankomst belast.`,
    ])
      expect(types(text)).toEqual([]);
  });

  it('cards: a specific look-alike label nearest to the number wins over a card keyword further away', () => {
    for (const text of [
      `Paid with my credit card; order number ${VISA}.`,
      `Met mijn creditcard betaald, ordernr ${MC}.`,
      `Creditcard gebruikt, trackingnummer ${VISA}.`,
      `My Visa card, phone ${MC}`,
    ])
      expect(types(text)).toEqual([]);
  });

  it('BSN: a BSN keyword in the same sentence beats "referentie" or "dossier" before the number', () => {
    expect(types('Mijn BSN voor het dossier: 111222333')).toEqual(['nl-bsn']);
    expect(types('BSN van de aanvrager, referentie 123456782.')).toEqual(['nl-bsn']);
    expect(types('Citizen service number for the file: 111222333')).toEqual(['nl-bsn']);
  });

  it('BSN: a generic label with the keyword only in another sentence, or a specific label, rules it out', () => {
    expect(types('Referentie: 123456782. Stuur ook je BSN mee.')).toEqual([]);
    expect(types('Reference 111222333. We also need your BSN.')).toEqual([]);
    expect(types('Mijn BSN staat hieronder, KvK 123456782')).toEqual([]);
    expect(types('BSN volgt; dossiernummer 111222333')).toEqual([]);
  });

  it('SSN and passport follow the same rule', () => {
    expect(types('My SSN for the booking: 536221234')).toEqual(['us-ssn']);
    expect(types('Order: 536-22-1234. No SSN needed.')).toEqual([]);
    expect(types('Paspoort voor de boeking: NW92K4LP5')).toEqual(['nl-passport']);
    expect(types('Boeking: NW92K4LP5. Neem je paspoort mee.')).toEqual([]);
    expect(types('Passport needed; ticket number NW92K4LP5')).toEqual([]);
  });
});

describe('card ranges from one table', () => {
  const withKeyword = (n: string): string => `card number ${n}`;

  it('Diners Club 14 digits in 300-305, 36, 38-39', () => {
    for (const prefix of ['300', '305', '36', '38', '39']) {
      const n = card(prefix, 14);
      expect(types(withKeyword(grouped(n, [4, 6, 4])))).toEqual(['payment-card']);
      expect(types(withKeyword(n))).toEqual(['payment-card']);
    }
  });

  it('Dankort, Mir, Elo, RuPay, Maestro and the classic brands', () => {
    for (const [prefix, length] of [
      ['5019', 16],
      ['2200', 16],
      ['2204', 19],
      ['5090', 16],
      ['6070', 16],
      ['6759', 16],
      ['5612', 16],
      ['34', 15],
      ['37', 15],
      ['6011', 16],
      ['645', 16],
      ['65', 16],
      ['3530', 16],
      ['62', 16],
      ['2720', 16],
      ['55', 16],
      ['4', 13],
    ] as const)
      expect([prefix, types(withKeyword(card(prefix, length)))]).toEqual([prefix, ['payment-card']]);
  });

  it('UATP (prefix 1, 15 digits) only with a card keyword, compact or 4-6-5', () => {
    const uatp = card('1', 15);
    expect(types(`UATP card number ${uatp}`)).toEqual(['payment-card']);
    expect(types(`Onze UATP-kaart: ${grouped(uatp, [4, 6, 5])}`)).toEqual(['payment-card']);
    expect(types(`Dossier ${uatp} is gesloten.`)).toEqual([]);
    expect(types(`See ${grouped(uatp, [4, 6, 5])} for details`)).toEqual([]);
  });

  it("reads 13 digits (an EAN-13 barcode's length) as a card only with a keyword or expiry date", () => {
    const thirteen = card('4', 13);
    expect(types(`Scan ${thirteen} at the till.`)).toEqual([]);
    expect(types(`Put the fee on this card? ${thirteen} 06/28`)).toEqual(['payment-card']);
    expect(types(`Visa ${thirteen}`)).toEqual(['payment-card']);
  });

  it('rejects lengths a range does not issue and prefixes outside every range', () => {
    expect(types(withKeyword(card('2205', 16)))).toEqual([]); // between Mir and Mastercard
    expect(types(withKeyword(card('2200', 15)))).toEqual([]); // Mir is 16-19 digits
    expect(types(withKeyword(card('34', 16)))).toEqual([]); // Amex is 15
    expect(types(withKeyword(card('7', 16)))).toEqual([]); // petroleum, no payment card
  });
});

describe('a card number is never read out of an IBAN-shaped string', () => {
  it('ignores card-shaped digits after "XX99 ", valid IBAN or not, IBAN detection on or off', () => {
    const inside = grouped(card('4111', 16), [4, 4, 4, 4]);
    expect(types(`IBAN: FR00 ${inside} 123`)).toEqual([]);
    expect(types(`rekening NL00 ${inside}`)).toEqual([]);
    expect(types(`naar DE00 ABCD ${inside}`)).toEqual([]);
    expect(types('DE89 3704 0044 0532 0130 00', ['iban'])).toEqual([]);
    expect(types('FR76 3000 6000 0112 3456 7890 189', ['iban'])).toEqual([]);
    // The same digits standing alone are still a card.
    expect(types(`creditcard ${inside}`)).toEqual(['payment-card']);
  });
});

describe('Dutch passport and ID numbers with six letters in the middle', () => {
  it('counts them when a passport or ID keyword labels them directly', () => {
    expect(found('Paspoortnummer: NXKPTRWZ7')).toEqual([['nl-passport', 85, 'NXKPTRWZ7']]);
    expect(types('passport no. BRXKLMNP2')).toEqual(['nl-passport']);
    expect(types('ID-kaart nummer: HZWQRTYU5')).toEqual(['nl-passport']);
    expect(types('Identity card: KLMNPQRS8')).toEqual(['nl-passport']);
  });

  it('not when the keyword is elsewhere or another label names them', () => {
    expect(types('Paspoort verlengd, kortingscode WINTERDAG4')).toEqual([]);
    expect(types('Passport renewed. TRAVELPAK9 is our discount.')).toEqual([]);
    expect(types('Paspoort: ja. Referentie NXKPTRWZ7')).toEqual([]);
  });

  it('"nummer" on its own is not a look-alike label; only compounds are', () => {
    expect(types('Mijn paspoort heeft nummer NW92K4LP5.')).toEqual(['nl-passport']);
    expect(types('My passport has number NW92K4LP5.')).toEqual(['nl-passport']);
    expect(types('Paspoort mee; klantnummer NW92K4LP5')).toEqual([]);
    expect(types('Passport: yes. Customer number NW92K4LP5')).toEqual([]);
  });
});

describe('a bare ICD-10 code labelled by a medical word in the same sentence', () => {
  it('counts, in Dutch and English', () => {
    expect(types('Treatment for I10 started last spring.')).toEqual(['health']);
    expect(types('Hij is in behandeling voor I10 sinds 2019.')).toEqual(['health']);
    expect(types('Medicatie voor J45 is opgehaald bij de apotheek.')).toEqual(['health']);
    expect(types('The patient is treated for F32 since March')).toEqual(['health']);
  });

  it('not when the sentence is about rooms, fuel, cars or device models', () => {
    expect(types('Behandeling in lokaal C14 om 10:00.')).toEqual([]);
    expect(types('Treatment plan discussed in room B12 tomorrow')).toEqual([]);
    expect(types('De garage stelde de diagnose: de auto mag alleen E10 tanken.')).toEqual([]);
    expect(types('The mechanic ran a diagnosis; my car only takes E10 fuel.')).toEqual([]);
    expect(types('De kliniek heeft een nieuwe router, de TP-Link C80 doet het goed.')).toEqual([]);
    expect(types('The clinic ordered a Netgear R70 router.')).toEqual([]);
    expect(types('G20 summit on healthcare')).toEqual([]);
  });

  it('a subdivided code still counts next to a car word', () => {
    expect(types('Na het auto-ongeluk: diagnose S06.0')).toEqual(['health']);
  });
});

describe('a table column header labels the cells below it', () => {
  it('rules out numbers in an order column even with card and BSN keywords in the mail', () => {
    const visa = card('4716', 16);
    expect(
      types(`Creditcard betalingen:\nOrdernr\tDatum\n${visa}\t01-02-2026\n${card('5412', 16)}\t03-02-2026`),
    ).toEqual([]);
    expect(types(`Paid by credit card\n| Order no | Amount |\n|---|---|\n| ${visa} | 12.00 |`)).toEqual([]);
    expect(types('BSN niet nodig.\nNaam\tKlantnummer\nJansen\t111222333')).toEqual([]);
  });

  it('keeps numbers in a column the header names as the type', () => {
    expect(types(`Naam\tKaartnummer\nJansen\t${card('4716', 16)}`)).toEqual(['payment-card']);
    expect(types('Name | BSN\nJansen | 111222333\nDe Vries | 123456782')).toEqual(['nl-bsn', 'nl-bsn']);
  });

  it('reads HTML tables, whose rows come out with blank lines between them', () => {
    const html = (head: string, cell: string): string =>
      `<p>Betaald met creditcard.</p><table><tr><th>Datum</th><th>${head}</th></tr>` +
      `<tr><td>01-02</td><td>${cell}</td></tr><tr><td>02-02</td><td>${cell}</td></tr></table>`;
    const visa = card('4716', 16);
    expect(classifyText(html('Ordernr', visa), { html: true })).toEqual([]);
    expect(classifyText(html('Kaartnummer', visa), { html: true }).map((f) => f.type)).toEqual([
      'payment-card',
      'payment-card',
    ]);
    expect(classifyText(html('Zaal', 'B12') + '<p>Behandeling: J45.</p>', { html: true }).length).toBe(1);
  });

  it('reads rooms in a timetable as rooms, not diagnoses', () => {
    const timetable =
      'Tijd\tLokaal\tOnderwerp\n09:00\tB12\tBehandeling casus\n10:00\tC14\tBehandeling vervolg';
    expect(types(timetable)).toEqual([]);
    expect(types('Patiënt\tDiagnose\nJansen\tI10\nPietersen\tE11')).toEqual(['health', 'health']);
  });
});

describe('loyalty and membership cards', () => {
  it('rule out a card in the same sentence, or the one before unless a card keyword answers', () => {
    expect(types(`Nieuwe klantenpas ontvangen. Het nummer is ${VISA}.`)).toEqual([]);
    expect(
      types(`Club membership\n\nDiners Club card ${grouped(card('36', 14), [4, 6, 4])}, annual fee`),
    ).toEqual(['payment-card']);
  });

  it('are not payment cards', () => {
    expect(types(`Mijn lidmaatschapspas van de sportschool: ${VISA}`)).toEqual([]);
    expect(types(`Gym membership card ${MC}`)).toEqual([]);
    expect(types(`Ledenpas van de sportschool, nummer ${VISA}`)).toEqual([]);
  });
});

describe('US SSN', () => {
  it('is 75 unformatted with a keyword, as Purview medium', () => {
    expect(found('SSN 536221234')).toEqual([['us-ssn', 75, '536221234']]);
    expect(found('Social security number: 536-22-1234')).toEqual([['us-ssn', 85, '536-22-1234']]);
  });

  it('never reports the well-known sample numbers', () => {
    for (const sample of [
      '078-05-1120',
      '219-09-9999',
      '457-55-5462',
      '123-45-6789',
      '987-65-4320',
      '987-65-4329',
      '078051120',
      '123 45 6789',
    ])
      expect([sample, types(`SSN: ${sample}`)]).toEqual([sample, []]);
  });
});
