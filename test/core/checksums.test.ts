import fc from 'fast-check';
import { cardBrand, cardNeedsKeyword, isValidCard } from '../../src/core/classifier/card-ranges';
import {
  bsnElfproef,
  ibanLength,
  ibanMod97,
  isSampleSsn,
  isValidIban,
  luhn,
  ssnPartsValid,
} from '../../src/core/classifier/checksums';

/** Computes a check digit so the property tests can build valid values of any shape. */
function withLuhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(body + String(d))) return body + String(d);
  throw new Error('unreachable');
}

function withIbanCheck(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const c of numeric) rest = (rest * 10 + Number(c)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}

describe('bsnElfproef', () => {
  it('accepts numbers whose weighted sum (9..2, -1) is divisible by 11', () => {
    // 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66
    expect(bsnElfproef('111222333')).toBe(true);
    expect(bsnElfproef('123456782')).toBe(true);
  });

  it('rejects other numbers, wrong lengths and all zeros', () => {
    expect(bsnElfproef('111222334')).toBe(false);
    expect(bsnElfproef('123456789')).toBe(false);
    expect(bsnElfproef('12345678')).toBe(false);
    expect(bsnElfproef('000000000')).toBe(false);
  });

  it('catches every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const digits = '111222333'.split('');
        digits[position] = String((Number(digits[position]) + delta) % 10);
        // Weights 9..2 are all coprime to 11, so a one-digit change always breaks the sum.
        return !bsnElfproef(digits.join(''));
      }),
    );
  });
});

describe('luhn', () => {
  it('accepts published test card numbers and rejects a changed digit', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('378282246310005')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
  });

  it('detects any single-digit error', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{12,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (body, at, delta) => {
          const valid = withLuhnDigit(body);
          const position = at % valid.length;
          const changed =
            valid.slice(0, position) +
            String((Number(valid[position]) + delta) % 10) +
            valid.slice(position + 1);
          return luhn(valid) && !luhn(changed);
        },
      ),
    );
  });
});

describe('cardBrand and isValidCard', () => {
  it.each([
    ['4111111111111111', 'visa'],
    ['4222222222222', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    [withLuhnDigit('622126000000000'), 'discover'],
    ['3530111333300000', 'jcb'],
    ['30569309025904', 'diners'],
    [withLuhnDigit('3812345678901'), 'diners'],
    ['6759649826438453', 'maestro'],
    [withLuhnDigit('561234567890123'), 'maestro'],
    ['6200000000000005', 'unionpay'],
    [withLuhnDigit('501912345678901'), 'dankort'],
    [withLuhnDigit('220012345678901'), 'mir'],
    [withLuhnDigit('509012345678901'), 'elo'],
    [withLuhnDigit('607012345678901'), 'rupay'],
    [withLuhnDigit('979212345678901'), 'troy'],
    [withLuhnDigit('12345678901234'), 'uatp'],
  ])('%s is %s', (number, brand) => {
    expect(cardBrand(number)).toBe(brand);
    expect(isValidCard(number)).toBe(true);
  });

  it('rejects numbers outside the IIN ranges or with a length the brand does not issue', () => {
    expect(cardBrand(withLuhnDigit('999999999999999'))).toBeNull(); // 9 outside Troy's 9792
    expect(cardBrand(withLuhnDigit('1000000000000'))).toBeNull(); // UATP is 15 digits
    expect(cardBrand(withLuhnDigit('61000000000000'))).toBeNull(); // 61 is in no range
    expect(cardBrand(withLuhnDigit('220512345678901'))).toBeNull(); // between Mir and Mastercard
    expect(cardBrand(withLuhnDigit('50191234567'))).toBeNull(); // 12 digits: no range read here
    expect(cardBrand(withLuhnDigit('4111111111111'))).toBeNull(); // Visa with 14 digits
    expect(cardBrand(withLuhnDigit('3782822463100'))).toBeNull(); // Amex with 14 digits
    expect(isValidCard(withLuhnDigit('99999999999999'))).toBe(false);
    expect(isValidCard('5555555555554443')).toBe(false); // Luhn fails
  });

  it('asks for a card keyword outside the banking industry digits 2-6', () => {
    expect(cardNeedsKeyword('122000000000000')).toBe(true);
    expect(cardNeedsKeyword('8100000000000000')).toBe(true);
    expect(cardNeedsKeyword('9792000000000000')).toBe(true);
    expect(cardNeedsKeyword('4111111111111111')).toBe(false);
    expect(cardNeedsKeyword('2200000000000000')).toBe(false);
  });
});

describe('IBAN', () => {
  it.each([
    'NL91ABNA0417164300',
    'DE89370400440532013000',
    'GB29NWBK60161331926819',
    'BE68539007547034',
    'FR1420041010050500013M02606',
    'ES9121000418450200051332',
    'IT60X0542811101000000123456',
    'CH9300762011623852957',
    'AT611904300234573201',
    'NO9386011117947',
    'PL61109010140000071219812874',
    'LU280019400644750000',
    'IE29AIBK93115212345678',
    'DK5000400440116243',
    'SE4550000000058398257466',
    'PT50000201231234567890154',
    'FI2112345600000785',
    'MT84MALT011000012345MTLCAST001S',
    'SC18SSCB11010000000000001497USD',
  ])('accepts the registry example %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it('rejects a wrong check, a wrong length, a letter where the format wants a digit, and unknown countries', () => {
    expect(isValidIban('NL92ABNA0417164300')).toBe(false);
    expect(isValidIban('NL91ABNA041716430')).toBe(false);
    expect(isValidIban('NL91ABNA04171643000')).toBe(false);
    expect(isValidIban(withIbanCheck('NL', 'ABNA04171643A0'))).toBe(false); // mod-97 fine, format not
    expect(isValidIban(withIbanCheck('US', '1234567890123456'))).toBe(false);
    expect(ibanMod97('NL00ABNA0417164300')).toBe(false);
  });

  it('knows the length of every country and none of others', () => {
    expect(ibanLength('NL')).toBe(18);
    expect(ibanLength('DE')).toBe(22);
    expect(ibanLength('MT')).toBe(31);
    expect(ibanLength('RU')).toBe(33);
    expect(ibanLength('US')).toBeUndefined();
  });

  it('accepts any Dutch BBAN once the check digits are computed, and catches single-digit errors', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{4}[0-9]{10}$/),
        fc.integer({ min: 8, max: 17 }),
        fc.integer({ min: 1, max: 9 }),
        (bban, position, delta) => {
          const iban = withIbanCheck('NL', bban);
          const changed =
            iban.slice(0, position) +
            String((Number(iban[position]) + delta) % 10) +
            iban.slice(position + 1);
          return isValidIban(iban) && !isValidIban(changed);
        },
      ),
    );
  });
});

describe('ssnPartsValid', () => {
  it('follows the SSA rules', () => {
    expect(ssnPartsValid('123', '45', '6789')).toBe(true);
    expect(ssnPartsValid('899', '99', '9999')).toBe(true);
    expect(ssnPartsValid('000', '45', '6789')).toBe(false);
    expect(ssnPartsValid('666', '45', '6789')).toBe(false);
    expect(ssnPartsValid('900', '45', '6789')).toBe(false);
    expect(ssnPartsValid('999', '45', '6789')).toBe(false);
    expect(ssnPartsValid('123', '00', '6789')).toBe(false);
    expect(ssnPartsValid('123', '45', '0000')).toBe(false);
  });
});

describe('isSampleSsn', () => {
  it('knows the numbers printed in ads and documentation', () => {
    for (const sample of ['078051120', '219099999', '457555462', '123456789'])
      expect(isSampleSsn(sample)).toBe(true);
    expect(isSampleSsn('536221234')).toBe(false);
  });
});
