import { describe, expect, it } from 'vitest';
import { niceTicks } from '~/ui/backoffice/charts';
import { contrastRatio, whiteTextContrast } from './contrast';
import { checkDunningForm, type StageInput, stagesFromForm } from '~/modules/dunning/policy-form';
import { detectImageType } from './image-type';
import { likePattern, pageFrom } from '~/utils/search';
import { parseBranding, parsePlanPolicy, parsePortalSettings } from './settings-forms';

describe('brand colour contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(whiteTextContrast('#0b5d4b')).toBeGreaterThan(7);
    expect(whiteTextContrast('#ffcc00')).toBeLessThan(2);
    expect(() => contrastRatio('green', '#fff')).toThrow(RangeError);
  });
});

describe('logo type by magic bytes', () => {
  it('knows PNG, JPEG and WebP, and nothing else', () => {
    expect(detectImageType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(detectImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(detectImageType(new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(detectImageType(new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVEfmt '))).toBeNull();
    expect(detectImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(detectImageType(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(detectImageType(new Uint8Array())).toBeNull();
  });
});

describe('list helpers', () => {
  it('escapes LIKE wildcards and reads page numbers defensively', () => {
    expect(likePattern('  100%_off\\ ')).toBe('%100\\%\\_off\\\\%');
    expect(likePattern('   ')).toBeNull();
    expect(likePattern('x'.repeat(300))?.length).toBe(102);
    expect([pageFrom('3'), pageFrom('0'), pageFrom('-1'), pageFrom('1.5'), pageFrom('abc'), pageFrom(null)]).toEqual([
      3, 1, 1, 1, 1, 1,
    ]);
  });
});

describe('chart ticks', () => {
  it('rounds the axis to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(109.3)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(1_234_567)).toEqual([0, 500_000, 1_000_000, 1_500_000]);
  });
});

describe('dunning policy form', () => {
  const stage = (row: number, key: string, offsetDays: string, template: string, addsCosts = false): StageInput => ({
    row,
    key,
    offsetDays,
    template,
    addsCosts,
  });

  it('orders rows by days before the dunning rules see them, and points errors at the typed rows', () => {
    const ok = checkDunningForm({
      consumer: [stage(0, 'final', '35', 'final_notice', true), stage(5, 'friendly', '7', 'friendly_reminder')],
      business: [stage(0, 'friendly', '7', 'friendly_reminder')],
    });
    expect(ok.ok && ok.policy.consumer.map((s) => s.key)).toEqual(['friendly', 'final']);

    const bad = checkDunningForm({
      consumer: [],
      business: [stage(3, 'a', 'zeven', 'friendly_reminder'), stage(1, 'b', '10', 'mystery')],
    });
    expect(bad.ok ? null : bad.errors).toEqual({
      consumer: { key: 'bo.dunning.problem.flow_empty' },
      'business.3.offsetDays': { key: 'bo.dunning.problem.offset_invalid', params: { max: 730 } },
      'business.1.template': { key: 'bo.dunning.problem.template_missing' },
    });
  });
});

describe('dunning policy form as posted', () => {
  it('reads the rows as typed, drops blank and removed rows, and names a refused row by its field', () => {
    const f = new FormData();
    f.set('consumer.0.key', ' friendly ');
    f.set('consumer.0.offsetDays', '7');
    f.set('consumer.0.template', 'friendly_reminder');
    f.set('consumer.1.key', 'gone');
    f.set('consumer.1.offsetDays', '9');
    f.set('consumer.1.remove', 'on');
    f.set('consumer.2.template', 'friendly_reminder');
    f.set('business.4.key', 'final');
    f.set('business.4.offsetDays', '30');
    f.set('business.4.template', 'final_notice');
    f.set('business.4.addsCosts', 'on');
    const rows = stagesFromForm(f);
    expect(rows).toEqual({
      consumer: [{ row: 0, key: ' friendly ', offsetDays: '7', template: 'friendly_reminder', addsCosts: false }],
      business: [{ row: 4, key: 'final', offsetDays: '30', template: 'final_notice', addsCosts: true }],
    });
    expect(checkDunningForm(rows)).toMatchObject({
      ok: true,
      policy: { consumer: [{ key: 'friendly', offsetDays: 7 }] },
    });
    f.set('business.4.offsetDays', '-3');
    expect(checkDunningForm(stagesFromForm(f))).toEqual({
      ok: false,
      errors: { 'business.4.offsetDays': { key: 'bo.dunning.problem.offset_invalid', params: { max: 730 } } },
    });
  });
});

describe('portal settings form', () => {
  it('reads amounts in Dutch or English notation and refuses ambiguous ones', () => {
    const form = (min: string) => {
      const f = new FormData();
      f.set('linkTtlDays', '30');
      f.set('disputeResponseHours', '48');
      f.set('disputeRejectGraceDays', '7');
      f.set('minPartialPaymentCents', min);
      f.set('transferNoticeDays', '5');
      return f;
    };
    expect(parsePortalSettings(form('10,00'))).toMatchObject({ ok: true, value: { minPartialPaymentCents: 1_000 } });
    expect(parsePortalSettings(form('12.50'))).toMatchObject({ ok: true, value: { minPartialPaymentCents: 1_250 } });
    expect(parsePortalSettings(form('1.000'))).toMatchObject({
      ok: false,
      errors: { minPartialPaymentCents: { key: 'bo.form.error.amount' } },
    });
    expect(parsePortalSettings(form('0,50'))).toMatchObject({
      ok: false,
      errors: { minPartialPaymentCents: { key: 'bo.form.error.amountRange' } },
    });
  });
});

describe('plan policy form', () => {
  const good = {
    maxInstallments: '12',
    maxDurationDays: '365',
    minInstallmentCents: '25,00',
    maxTotalCents: '10.000,00',
    minDownPaymentPercent: '0',
    promiseMaxDays: '14',
    graceDays: '7',
    firstPaymentMaxDays: '30',
    consumersMayPropose: 'on',
  };
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it('reads a good policy, checkboxes by their presence', () => {
    expect(parsePlanPolicy(form(good))).toEqual({
      ok: true,
      value: {
        maxInstallments: 12,
        maxDurationDays: 365,
        minInstallmentCents: 2_500,
        maxTotalCents: 1_000_000,
        consumersMayPropose: true,
        businessesMayPropose: false,
        minDownPaymentPercent: 0,
        promiseMaxDays: 14,
        graceDays: 7,
        firstPaymentMaxDays: 30,
      },
    });
  });

  it('names each refused field, and checks the total against the minimum only when both were read', () => {
    expect(parsePlanPolicy(form({ ...good, maxInstallments: '61', graceDays: '' }))).toEqual({
      ok: false,
      errors: {
        maxInstallments: { key: 'bo.form.error.intRange', params: { min: 2, max: 60 } },
        graceDays: { key: 'bo.form.error.intRange', params: { min: 0, max: 30 } },
      },
    });
    expect(parsePlanPolicy(form({ ...good, maxTotalCents: '40,00', graceDays: 'x' }))).toEqual({
      ok: false,
      errors: {
        graceDays: { key: 'bo.form.error.intRange', params: { min: 0, max: 30 } },
        maxTotalCents: { key: 'bo.plans.error.totalBelowMinimum', params: { count: 2 } },
      },
    });
    expect(parsePlanPolicy(form({ ...good, maxTotalCents: '40,00', minInstallmentCents: '1.000' }))).toEqual({
      ok: false,
      errors: { minInstallmentCents: { key: 'bo.form.error.amount' } },
    });
  });
});

describe('branding form', () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it('reads the colour in lower case and empty optional fields as null', () => {
    expect(parseBranding(form({ brandColor: ' #0B5D4B ', senderName: ' Acme ', replyTo: '' }))).toEqual({
      ok: true,
      value: { brandColor: '#0b5d4b', senderName: 'Acme', replyTo: null },
    });
  });

  it('names the colour, the sender name and the reply-to address', () => {
    expect(parseBranding(form({ brandColor: 'green', senderName: 'Acme <x@y.nl>', replyTo: 'geen adres' }))).toEqual({
      ok: false,
      errors: {
        brandColor: { key: 'bo.branding.error.color' },
        senderName: { key: 'bo.branding.error.senderName' },
        replyTo: { key: 'bo.form.error.email' },
      },
    });
    expect(parseBranding(form({ brandColor: '#112233', senderName: 'x'.repeat(71) }))).toEqual({
      ok: false,
      errors: { senderName: { key: 'bo.branding.error.senderName' } },
    });
  });
});
