import fc from 'fast-check';
import { classifyText, type ContentFinding } from '../../src/core/classifier/index';
import { bsnElfproef, luhn } from '../../src/core/classifier/checksums';

/** [type, confidence, the matched text] for each finding: what a reader would check. */
function found(text: string): [string, number, string][] {
  return classifyText(text).map((f) => [f.type, f.confidence, text.slice(f.start, f.end)]);
}

function types(text: string): string[] {
  return classifyText(text).map((f) => f.type);
}

describe('nl-bsn', () => {
  it('finds a BSN with a keyword, in the groupings people use', () => {
    expect(found('Mijn BSN is 111222333.')).toEqual([['nl-bsn', 85, '111222333']]);
    expect(found('burgerservicenummer: 1112.22.333')).toEqual([['nl-bsn', 85, '1112.22.333']]);
    expect(found('sofinummer 111 222 333')).toEqual([['nl-bsn', 85, '111 222 333']]);
    expect(found('BSN-nummer 111-222-333')).toEqual([['nl-bsn', 85, '111-222-333']]);
    expect(found('citizen service number (BSN): 111.222.333')).toEqual([['nl-bsn', 85, '111.222.333']]);
  });

  it('reads 8 digits as a BSN with its leading zero dropped', () => {
    let n = 12345670;
    while (!bsnElfproef(`0${n}`)) n++;
    const eight = String(n);
    expect(found(`BSN ${eight}`)).toEqual([['nl-bsn', 85, eight]]);
  });

  it('finds the keyword up to 300 characters away, in either direction', () => {
    expect(types(`BSN${' x'.repeat(140)} 111222333`)).toEqual(['nl-bsn']);
    expect(types(`111222333${' x'.repeat(140)} (BSN)`)).toEqual(['nl-bsn']);
    expect(types(`BSN${' x'.repeat(160)} 111222333`)).toEqual([]);
  });

  it('does not report a BSN without a keyword, as Purview', () => {
    expect(types('Zie 111222333 voor details.')).toEqual([]);
  });

  it('rejects numbers that fail the 11-proof', () => {
    expect(types('BSN 111222334')).toEqual([]);
  });

  it('rules out numbers labelled as something else, even with a BSN keyword nearby', () => {
    expect(types('Uw BSN hebben we niet nodig. Ordernummer: 111222333')).toEqual([]);
    expect(types('BSN niet nodig, alleen klantnummer 111222333')).toEqual([]);
    expect(types('BSN hoeft niet. Afspraaknummer: 111222333')).toEqual([]);
    expect(types('BSN via portaal; bel telefoonnummer 06 11122233')).toEqual([]);
    expect(types('BSN? Je personeelsnummer is 111222333')).toEqual([]);
    expect(types('BSN en rekeningnummer 111222333')).toEqual([]);
  });

  it('does not let a label reach past another number or sentence', () => {
    expect(found('Ordernummer 12345, BSN 111222333')).toEqual([['nl-bsn', 85, '111222333']]);
    expect(found('Het BSN (zie ordernummer 4471) is 111222333')).toEqual([['nl-bsn', 85, '111222333']]);
  });

  it('ignores numbers that are part of dates, amounts, codes, phone numbers and longer tokens', () => {
    expect(types('BSN: NL111222333B01')).toEqual([]);
    expect(types('BSN bedrag € 111.222.333,00')).toEqual([]);
    expect(types('BSN +31 111222333')).toEqual([]);
    expect(types('BSN 111222333-01')).toEqual([]);
    expect(types('BSN https://example.org/a/111222333')).toEqual([]);
    expect(types('BSN pin 111 222 333#')).toEqual([]);
  });
});

describe('iban', () => {
  it('finds IBANs with or without spaces, lower case, or spaced after the country code', () => {
    expect(found('IBAN: NL91ABNA0417164300.')).toEqual([['iban', 85, 'NL91ABNA0417164300']]);
    expect(found('op NL91 ABNA 0417 1643 00 t.n.v. X')).toEqual([['iban', 85, 'NL91 ABNA 0417 1643 00']]);
    expect(found('naar nl91abna0417164300')).toEqual([['iban', 85, 'nl91abna0417164300']]);
    expect(found('Rekening NL 91 ABNA 0417 1643 00')).toEqual([['iban', 85, 'NL 91 ABNA 0417 1643 00']]);
    expect(found('DE89 3704 0044 0532 0130 00 and GB29NWBK60161331926819')).toEqual([
      ['iban', 85, 'DE89 3704 0044 0532 0130 00'],
      ['iban', 85, 'GB29NWBK60161331926819'],
    ]);
  });

  it('is high confidence without any keyword', () => {
    expect(found('NL91ABNA0417164300')).toEqual([['iban', 85, 'NL91ABNA0417164300']]);
  });

  it('rejects wrong check digits, truncated numbers and numbers glued to more text', () => {
    expect(types('NL92ABNA0417164300')).toEqual([]);
    expect(types('NL91 ABNA 0417 1643 en verder')).toEqual([]);
    expect(types('NL91ABNA0417164300X')).toEqual([]);
    expect(types('XNL91ABNA0417164300')).toEqual([]);
    expect(types('BIC ABNANL2A, tracking JJD0001234567890')).toEqual([]);
  });

  it('masks all but the country, check digits and last four characters', () => {
    expect(classifyText('NL91ABNA0417164300')[0]?.masked).toBe('NL91 **** **** **** 4300');
  });
});

describe('payment-card', () => {
  it('is high with a card keyword or an expiry date nearby', () => {
    expect(found('Creditcard 4111 1111 1111 1111')).toEqual([['payment-card', 85, '4111 1111 1111 1111']]);
    expect(found('4111-1111-1111-1111 exp 12/27')).toEqual([['payment-card', 85, '4111-1111-1111-1111']]);
    expect(found('4111111111111111 geldig t/m 07/28.')).toEqual([['payment-card', 85, '4111111111111111']]);
  });

  it('is medium alone', () => {
    expect(found('zie 5555 5555 5555 4444')).toEqual([['payment-card', 75, '5555 5555 5555 4444']]);
  });

  it('accepts the issuers and their groupings', () => {
    for (const number of [
      '3782 822463 10005',
      '3056 930902 5904',
      '6011 1111 1111 1117',
      '3530 1113 3330 0000',
      '6759 6498 2643 8453',
      '6200 0000 0000 0005',
      '2223 0031 2200 3222',
    ])
      expect(found(`creditcard ${number}`)).toEqual([['payment-card', 85, number]]);
  });

  it('rejects Luhn failures, unknown IIN ranges and odd groupings', () => {
    expect(types('creditcard 4111 1111 1111 1112')).toEqual([]);
    expect(types('creditcard 9111 1111 1111 1119')).toEqual([]);
    expect(types('creditcard 41 11 11 11 11 11 11 11')).toEqual([]);
    expect(types('creditcard 4111.1111.1111.1111')).toEqual([]);
  });

  it('rules out look-alikes: references, tracking, gift, transit and loyalty cards', () => {
    expect(types('Betalingskenmerk 4111 1111 1111 1111')).toEqual([]);
    expect(types('Trackingnummer: 4111111111111111')).toEqual([]);
    expect(types('Order number 4111111111111111')).toEqual([]);
    expect(types('gift card 4111 1111 1111 1111')).toEqual([]);
    expect(types('OV-chipkaart kaartnummer 4111 1111 1111 1111')).toEqual([]);
  });

  it('masks all but the last four digits', () => {
    expect(classifyText('creditcard 4111 1111 1111 1111')[0]?.masked).toBe('**** **** **** 1111');
  });
});

describe('us-ssn', () => {
  it('is high formatted with a keyword, medium unformatted with one, low dash-formatted alone', () => {
    expect(found('SSN: 536-22-1234')).toEqual([['us-ssn', 85, '536-22-1234']]);
    expect(found('Social Security Number 536 22 1234')).toEqual([['us-ssn', 85, '536 22 1234']]);
    expect(found('ssn 536221234')).toEqual([['us-ssn', 75, '536221234']]);
    expect(found('Employee 536-22-1234')).toEqual([['us-ssn', 65, '536-22-1234']]);
  });

  it('does not report unformatted or space-formatted numbers without a keyword', () => {
    expect(types('see 536221234')).toEqual([]);
    expect(types('see 536 22 1234')).toEqual([]);
  });

  it('follows the SSA rules', () => {
    for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000'])
      expect(types(`SSN ${bad}`)).toEqual([]);
  });

  it('ignores phone numbers, ZIP+4, dates and labelled references', () => {
    expect(types('SSN office: 555-123-4567, (212) 555-0187')).toEqual([]);
    expect(types('social security: 94105-1234 and 2026-10-01')).toEqual([]);
    expect(types('Order number 536-22-1234')).toEqual([]);
  });

  it('masks the area and group', () => {
    expect(classifyText('SSN 536-22-1234')[0]?.masked).toBe('***-**-1234');
  });
});

describe('health', () => {
  it('finds ICD-10 codes near medical words, in Dutch and English', () => {
    expect(found('Diagnose: E11.9 (diabetes)')).toEqual([['health', 85, 'E11.9']]);
    expect(found('Patient treated for S82.101A.')).toEqual([['health', 85, 'S82.101A']]);
    expect(found('Hoofddiagnose I10')).toEqual([['health', 85, 'I10']]);
    expect(found('bekend met I10 en E78.5, medicatie ongewijzigd')).toEqual([
      ['health', 85, 'I10'],
      ['health', 85, 'E78.5'],
    ]);
  });

  it('needs medical context; medical words alone are not a finding', () => {
    expect(types('Code E11.9 in the catalogue')).toEqual([]);
    expect(types('Mijn huisarts heeft me doorverwezen naar een specialist voor behandeling.')).toEqual([]);
  });

  it('rules out roads, rooms, vitamins and names near medical words', () => {
    expect(types('Ik sta op de A12 richting het ziekenhuis')).toEqual([]);
    expect(types('De huisarts zegt: vitamine B12 slikken')).toEqual([]);
    expect(types('Melden bij balie B12 van het ziekenhuis')).toEqual([]);
    expect(types('Your seat is C14; medical kit at the front')).toEqual([]);
    expect(types('G20 summit on healthcare')).toEqual([]);
  });

  it('masks everything but the chapter letter', () => {
    expect(classifyText('diagnosis F32.1')[0]?.masked).toBe('F**.*');
  });
});

describe('nl-passport', () => {
  it('finds document numbers with a passport or ID card keyword', () => {
    expect(found('Paspoortnummer: SPECI2014')).toEqual([['nl-passport', 85, 'SPECI2014']]);
    expect(found('passport no. NW92K4LP5')).toEqual([['nl-passport', 85, 'NW92K4LP5']]);
    expect(found('ID-kaart met nummer BGP9JIIR2')).toEqual([['nl-passport', 85, 'BGP9JIIR2']]);
  });

  it('needs a keyword, no letter O, a digit in the serial, and upper case', () => {
    expect(types('SPECI2014')).toEqual([]);
    expect(types('paspoort SPOCI2014')).toEqual([]);
    expect(types('paspoort SUMMERSAL1')).toEqual([]);
    expect(types('paspoort speci2014')).toEqual([]);
  });

  it('rules out booking and ticket references near a passport keyword', () => {
    expect(types('Neem je paspoort mee. Boekingsreferentie AB12C4D67')).toEqual([]);
    expect(types('paspoort mee! Ticketnummer AB12C4D67')).toEqual([]);
  });
});

describe('classifyText', () => {
  it('reads HTML when asked, so markup cannot hide a number', () => {
    expect(types('<p>BSN <b>111</b>222<span>333</span></p>')).toEqual([]);
    expect(
      classifyText('<p>BSN <b>111</b>222<span>333</span></p>', { html: true }).map((f) => f.type),
    ).toEqual(['nl-bsn']);
  });

  it('skips disabled detectors', () => {
    expect(classifyText('NL91ABNA0417164300', { disabledDetectors: ['iban'] })).toEqual([]);
  });

  it('reports offsets into the normalised text', () => {
    const [finding] = classifyText('IBAN\u200b: NL91\u00a0ABNA\u00a00417\u00a01643\u00a000');
    expect(finding).toMatchObject({ start: 6, end: 28 });
  });

  it('never puts a whole value in the masked excerpt', () => {
    const bsn = fc
      .stringMatching(/^[1-9][0-9]{8}$/)
      .filter(bsnElfproef)
      .map((n) => `BSN ${n}`);
    const card = fc.stringMatching(/^4[0-9]{14}$/).map((body) => {
      let d = 0;
      while (!luhn(`${body}${d}`)) d++;
      return `creditcard ${body}${d}`;
    });
    fc.assert(
      fc.property(fc.oneof(bsn, card), (text) => {
        const findings: ContentFinding[] = classifyText(text);
        const value = text.split(' ')[1] ?? '';
        return (
          findings.length === 1 &&
          !findings[0]!.masked.includes(value) &&
          !findings[0]!.masked.replace(/\D/g, '').includes(value)
        );
      }),
    );
  });

  it('stays linear on hostile input', () => {
    const hostile = [
      '7'.repeat(1_000_000),
      '1 '.repeat(500_000),
      '12 '.repeat(300_000),
      '1-'.repeat(500_000),
      '1234 '.repeat(200_000),
      'bsn '.repeat(100_000),
      'BSN 111222333 '.repeat(50_000),
      // Labels, sentences and table headers are looked up per candidate: each must stay bounded.
      `order 4716739104826550 `.repeat(40_000),
      `Ordernr\tDatum\n` + `4716739104826550\t01-02\n`.repeat(40_000),
      `\t4716739104826550`.repeat(50_000),
      `\n\n\t4716739104826550`.repeat(40_000),
      'behandeling E10 auto '.repeat(40_000),
    ];
    for (const text of hostile) {
      const started = Date.now();
      classifyText(text);
      // A quadratic pass over a megabyte takes minutes; the bound only catches that, not speed.
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
