import { describe, expect, it } from 'vitest';
import { countFor, emailText } from '~emails/messages';
import { pluralCategory, translate, translateCount } from './index';

describe('translateCount: where a count meets a noun', () => {
  it('says one, none and several in Dutch', () => {
    expect(translateCount('nl', 'bo.dashboard.invoices', 1)).toBe('1 factuur');
    expect(translateCount('nl', 'bo.dashboard.invoices', 0)).toBe('0 facturen');
    expect(translateCount('nl', 'bo.dashboard.invoices', 2)).toBe('2 facturen');
    expect(translateCount('nl', 'dispute.inbox.caption', 1)).toBe('1 geschil');
    expect(translateCount('nl', 'dispute.inbox.caption', 2)).toBe('2 geschillen');
    expect(translateCount('nl', 'portal.status.overdue', 1)).toBe('1 dag te laat');
    expect(translateCount('nl', 'portal.status.overdue', 12)).toBe('12 dagen te laat');
  });

  it('says one, none and several in English', () => {
    expect(translateCount('en', 'bo.dashboard.invoices', 1)).toBe('1 invoice');
    expect(translateCount('en', 'bo.dashboard.invoices', 0)).toBe('0 invoices');
    expect(translateCount('en', 'bo.dashboard.invoices', 2)).toBe('2 invoices');
    expect(translateCount('en', 'dispute.inbox.caption', 1)).toBe('1 dispute');
    expect(translateCount('en', 'dispute.inbox.caption', 0)).toBe('0 disputes');
    expect(translateCount('en', 'portal.status.overdue', 1)).toBe('1 day overdue');
  });

  it('fills the other placeholders next to the count', () => {
    expect(translateCount('nl', 'bo.debtor.plan', 1, { amount: '€ 50,00' })).toBe('Regeling: € 50,00 in 1 termijn');
    expect(translateCount('en', 'bo.debtor.plan', 4, { amount: '€50.00' })).toBe('Plan: €50.00 in 4 instalments');
    // The noun follows the total, not the overdue count.
    expect(translateCount('nl', 'portal.total.overdueCount', 3, { overdue: 1 })).toBe(
      '1 van 3 facturen over de vervaldatum',
    );
  });

  it('uses the plural rules of the language (Intl.PluralRules), not `=== 1`', () => {
    expect(pluralCategory('nl', 1)).toBe('one');
    expect(pluralCategory('en', 1)).toBe('one');
    for (const n of [0, 2, 1.5, 21, 101]) {
      expect(pluralCategory('nl', n), String(n)).toBe('other');
      expect(pluralCategory('en', n), String(n)).toBe('other');
    }
  });
});

describe('translate with a counted key (a refusal or notice carried as { key, params })', () => {
  it('picks the form by params.count', () => {
    expect(translate('nl', 'promise.error.dateTooFar', { count: 1, last: '8 december' })).toBe(
      'U kunt hoogstens 1 dag vooruit beloven, uiterlijk 8 december.',
    );
    expect(translate('en', 'promise.error.dateTooFar', { count: 14, last: '8 December' })).toBe(
      'You can promise at most 14 days ahead, by 8 December at the latest.',
    );
  });

  it('refuses a counted key without a count outside production', () => {
    expect(() => translate('nl', 'dispute.inbox.caption')).toThrow(/without a count/);
    expect(() => translate('nl', 'dispute.inbox.caption', { count: '3' })).toThrow(/without a count/);
  });

  it('keeps a plain message of the same name as a pair apart from it', () => {
    // `bo.dashboard.invoices` is the column heading; with a count it is the counted pair.
    expect(translate('nl', 'bo.dashboard.invoices')).toBe('Facturen');
    expect(translate('nl', 'bo.dashboard.invoices', { count: 1 })).toBe('1 factuur');
  });
});

describe('a name that ends in a full stop', () => {
  it('takes the sentence’s full stop: no "B.V.." in the footer, a page or an email', () => {
    // The footer no longer ends on the name at all.
    expect(translate('nl', 'portal.footer.questions', { organization: 'Voorbeeld Installatietechniek B.V.' })).toBe(
      'Vragen over een factuur? Voorbeeld Installatietechniek B.V. helpt u graag.',
    );
    expect(translate('en', 'portal.footer.questions', { organization: 'Acme B.V.' })).toBe(
      'Questions about an invoice? Acme B.V. will be glad to help.',
    );
    expect(emailText('nl', 'staff.footer', { org: 'Acme B.V.' })).toBe(
      'Deze melding is verstuurd door Voldaan voor Acme B.V.',
    );
  });
});

describe('the emails count with the same rules', () => {
  it('chooses the subject and the plan sentence by count', () => {
    expect(countFor('nl')('friendly.subject', 1, { number: 'F-1', org: 'Acme' })).toBe(
      'Vriendelijke herinnering: factuur F-1 van Acme',
    );
    expect(countFor('nl')('friendly.subject', 3, { number: 'F-1', org: 'Acme' })).toBe(
      'Vriendelijke herinnering: 3 openstaande facturen van Acme',
    );
    expect(countFor('en')('planReceived.intro', 1, { total: '€10.00' })).toBe(
      'We received your proposal to pay €10.00 in 1 instalment.',
    );
    expect(emailText('en', 'disputeOpened.response', { count: 1 })).toBe('You will hear from us within 1 hour.');
    expect(emailText('en', 'disputeOpened.response', { count: 48 })).toBe('You will hear from us within 48 hours.');
  });
});
