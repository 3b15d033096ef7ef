import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { EpcPayloadError, epcPayload, epcQrSvg, type EpcPayloadInput } from './epc-qr';

const base: EpcPayloadInput = {
  name: 'Voldaan Demo B.V.',
  iban: 'NL91 ABNA 0417 1643 00',
  amountCents: 12_345,
};

function errorOf(input: EpcPayloadInput): EpcPayloadError {
  try {
    epcPayload(input);
  } catch (error) {
    if (error instanceof EpcPayloadError) return error;
    throw error;
  }
  throw new Error('expected epcPayload to throw');
}

describe('epcPayload', () => {
  it('builds the minimal payload and trims trailing empty lines', () => {
    expect(epcPayload(base)).toBe(
      ['BCD', '002', '1', 'SCT', '', 'Voldaan Demo B.V.', 'NL91ABNA0417164300', 'EUR123.45'].join('\n'),
    );
  });

  it('reproduces the EPC069-12 example layout with a BIC and an RF reference', () => {
    expect(
      epcPayload({
        bic: 'BHBLDEHHXXX',
        name: 'Franz Mustermänn',
        iban: 'DE71110220330123456789',
        amountCents: 1_230,
        structuredReference: 'RF18539007547034',
      }),
    ).toBe('BCD\n002\n1\nSCT\nBHBLDEHHXXX\nFranz Mustermänn\nDE71110220330123456789\nEUR12.30\n\nRF18539007547034');
  });

  it('puts a betalingskenmerk in the unstructured text line', () => {
    expect(epcPayload({ ...base, text: '5000056789012345' })).toBe(
      'BCD\n002\n1\nSCT\n\nVoldaan Demo B.V.\nNL91ABNA0417164300\nEUR123.45\n\n\n5000056789012345',
    );
  });

  it('keeps empty lines before a note to the payer', () => {
    expect(epcPayload({ ...base, note: 'Dank u wel' })).toBe(
      'BCD\n002\n1\nSCT\n\nVoldaan Demo B.V.\nNL91ABNA0417164300\nEUR123.45\n\n\n\nDank u wel',
    );
    const all = epcPayload({
      ...base,
      bic: 'abnanl2a',
      structuredReference: 'rf71 2348 231',
      note: 'Factuur 2025-001',
    });
    expect(all.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'ABNANL2A',
      'Voldaan Demo B.V.',
      'NL91ABNA0417164300',
      'EUR123.45',
      '',
      'RF712348231',
      '',
      'Factuur 2025-001',
    ]);
  });

  it('writes the amount with a dot and two decimals, within 0.01 .. 999999999.99', () => {
    expect(epcPayload({ ...base, amountCents: 1 }).split('\n')[7]).toBe('EUR0.01');
    expect(epcPayload({ ...base, amountCents: 100 }).split('\n')[7]).toBe('EUR1.00');
    expect(epcPayload({ ...base, amountCents: 99_999_999_999 }).split('\n')[7]).toBe('EUR999999999.99');
    for (const amountCents of [0, -1, 100_000_000_000, 12.5, Number.NaN]) {
      expect(errorOf({ ...base, amountCents }).field).toBe('amountCents');
    }
  });

  it('never puts both a structured reference and text', () => {
    const error = errorOf({ ...base, structuredReference: 'RF712348231', text: 'Factuur 1' });
    expect(error.field).toBe('text');
    expect(error.message).toMatch(/not both/);
  });

  it('refuses a betalingskenmerk or OGM in the structured line', () => {
    expect(errorOf({ ...base, structuredReference: '5000056789012345' }).message).toMatch(
      /betalingskenmerk or OGM in text/,
    );
    expect(errorOf({ ...base, structuredReference: '+++312/4013/98067+++' }).field).toBe('structuredReference');
    expect(errorOf({ ...base, structuredReference: 'RF722348231' }).field).toBe('structuredReference');
  });

  it('enforces the maximum lengths, naming the field', () => {
    expect(epcPayload({ ...base, name: 'n'.repeat(70) })).toContain('n'.repeat(70));
    expect(errorOf({ ...base, name: 'n'.repeat(71) }).message).toBe('name: at most 70 characters, got 71');
    expect(epcPayload({ ...base, text: 't'.repeat(140) })).toContain('t'.repeat(140));
    expect(errorOf({ ...base, text: 't'.repeat(141) }).field).toBe('text');
    expect(epcPayload({ ...base, note: 'o'.repeat(70) })).toContain('o'.repeat(70));
    expect(errorOf({ ...base, note: 'o'.repeat(71) }).field).toBe('note');
    expect(errorOf({ ...base, structuredReference: `RF00${'1'.repeat(32)}` }).message).toMatch(/at most 35/);
    expect(errorOf({ ...base, iban: `NL${'1'.repeat(33)}` }).message).toMatch(/iban: at most 34/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(epcPayload({ ...base, name: '😀'.repeat(70) })).toContain('😀'.repeat(70));
  });

  it('requires a name and a valid IBAN', () => {
    expect(errorOf({ ...base, name: '   ' }).message).toBe('name: is required');
    expect(errorOf({ ...base, iban: 'NL91ABNA0417164301' }).field).toBe('iban');
  });

  it('validates and normalizes the BIC', () => {
    expect(epcPayload({ ...base, bic: 'abna nl 2a' }).split('\n')[4]).toBe('ABNANL2A');
    expect(epcPayload({ ...base, bic: 'GEBABEBB' }).split('\n')[4]).toBe('GEBABEBB');
    expect(epcPayload({ ...base, bic: '' }).split('\n')[4]).toBe('');
    expect(errorOf({ ...base, bic: 'ABNANL2' }).field).toBe('bic');
    expect(errorOf({ ...base, bic: 'ABNANL2AX' }).field).toBe('bic');
    expect(errorOf({ ...base, bic: '1BNANL2A' }).field).toBe('bic');
  });

  it('refuses line breaks inside a field', () => {
    expect(errorOf({ ...base, name: 'Voldaan\nEvil' }).message).toBe('name: must be a single line');
    expect(errorOf({ ...base, note: 'a\r\nb' }).field).toBe('note');
  });

  it('keeps the whole payload within 331 bytes', () => {
    const longest = { ...base, bic: 'ABNANL2AXXX', name: 'n'.repeat(70), text: 't'.repeat(140) };
    // every field within its own limit, yet a full note would not fit: 62 characters do
    const exactly331 = epcPayload({ ...longest, note: 'o'.repeat(62) });
    expect(new TextEncoder().encode(exactly331).length).toBe(331);
    const error = errorOf({ ...longest, note: 'o'.repeat(63) });
    expect(error.field).toBe('payload');
    expect(error.message).toBe('payload: at most 331 bytes, got 332; shorten text, note or name');
    // 70 characters of 4 bytes each fit the name limit but not the byte budget
    expect(errorOf({ ...base, name: '😀'.repeat(70), text: 't'.repeat(100) }).field).toBe('payload');
  });
});

describe('epcQrSvg', () => {
  it('renders an SVG QR code of the payload at error correction level M', async () => {
    const payload = epcPayload({ ...base, text: '5000056789012345' });
    const svg = await epcQrSvg(payload);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    const side = qr.modules.size + 2 * 4;
    expect(svg).toContain(`viewBox="0 0 ${side} ${side}"`);
  });

  it('is deterministic', async () => {
    const payload = epcPayload(base);
    expect(await epcQrSvg(payload)).toBe(await epcQrSvg(payload));
  });

  it('refuses text that is not an EPC payload or is too long', async () => {
    await expect(epcQrSvg('hello')).rejects.toThrow(EpcPayloadError);
    await expect(epcQrSvg(`BCD\n${'x'.repeat(400)}`)).rejects.toThrow(/331 bytes/);
  });
});
