/**
 * The dispute emails' part credit and question wording: after a part credit the debtor reads what
 * was credited, what is still open and until which day they can answer; a question reads as a
 * question (no "dispute", no promise of paused reminders).
 */
import { describe, expect, it } from 'vitest';
import { previewProps, renderEmail } from './render';

const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('dispute emails', () => {
  const base = previewProps('dispute_reply');
  // The term ends at midnight Amsterdam time: its last day is 22 December.
  const credit = { creditedCents: 10_000, openCents: 14_000, answerDueAt: '2026-12-22T23:00:00.000Z', isNew: true };

  it('a part credit says what was credited, what is still open and until when to answer (Dutch and English)', async () => {
    const nl = await renderEmail('dispute_reply', { ...base, message: 'Eén uur vervalt.', credit });
    expect(nl.subject).toBe('Wij hebben een deel van factuur 2026-0142 gecrediteerd');
    for (const part of [
      '€ 100,00 van factuur 2026-0142 gecrediteerd',
      'nu nog € 140,00 open',
      'tot en met 22 december 2026',
      'Eén uur vervalt.',
    ])
      expect(plain(nl.text)).toContain(part);
    expect(nl.html).toContain('Lees en beantwoord');
    const en = await renderEmail('dispute_reply', { ...base, locale: 'en', message: null, credit });
    for (const part of [
      'credited €100.00 of invoice 2026-0142',
      '€140.00 outstanding',
      'up to and including 22 December 2026',
    ])
      expect(plain(en.text)).toContain(part);
  });

  it('a later reply on a part-credited dispute keeps the reply wording and restates the term', async () => {
    const email = await renderEmail('dispute_reply', { ...base, credit: { ...credit, isNew: false } });
    expect(email.subject).toBe('Nieuw bericht over uw bezwaar tegen factuur 2026-0142');
    expect(plain(email.text)).toContain('Chantal Bakker van');
    expect(plain(email.text)).toContain('tot en met 22 december 2026');
  });

  it('a question reads as a question, in the confirmation and in the answer', async () => {
    const opened = await renderEmail('dispute_opened', {
      ...previewProps('dispute_opened'),
      dispute: { reference: 'VR-1A2B3C4D', invoiceNumber: '2026-0142', reason: 'other', kind: 'question' },
    });
    expect(opened.subject).toBe('Wij hebben uw vraag over factuur 2026-0142 ontvangen');
    expect(plain(opened.text)).toContain('houdt de herinneringen voor deze factuur niet tegen');
    expect(opened.text).not.toMatch(/bezwaar ontvangen|sturen wij voor deze factuur geen herinneringen/i);
    const answer = await renderEmail('dispute_reply', {
      ...base,
      dispute: { reference: 'VR-1A2B3C4D', invoiceNumber: '2026-0142', kind: 'question' },
    });
    expect(answer.subject).toBe('Antwoord op uw vraag over factuur 2026-0142');
    expect(plain(answer.text)).toContain('heeft uw vraag over factuur 2026-0142 (VR-1A2B3C4D) beantwoord');
  });
});
