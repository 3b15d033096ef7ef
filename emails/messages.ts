/**
 * Every string the emails show, Dutch (the source) and English. Kept here rather than in
 * the app's catalogs so the templates stay pure and previewable on their own.
 * `{name}` placeholders are filled by `emailText`. Where a count meets a noun the catalog holds a
 * pair `x.one` / `x.other` with a `{count}` placeholder, chosen by the app's plural rules.
 */
import { fill } from '~/utils/i18n/fill';
import { pluralCategory } from '~/utils/i18n/locales';
import type { EmailLocale } from './_lib/types';

export const nl = {
  // shared
  greeting: 'Beste {name},',
  'invoices.number': 'Factuur',
  'invoices.issueDate': 'Factuurdatum',
  'invoices.dueDate': 'Vervaldatum',
  'invoices.open': 'Openstaand',
  'invoices.caption': 'Openstaande facturen',
  'totals.open': 'Openstaand bedrag',
  'totals.costs': 'Incassokosten',
  'totals.compensation': 'Vergoeding invorderingskosten (BIK, ten minste {minimum})',
  'totals.interest': 'Wettelijke rente',
  'totals.commercialInterest': 'Wettelijke handelsrente',
  'totals.total': 'Totaal te betalen',
  'cta.fallback': 'Werkt de knop niet? Kopieer dan deze link in uw browser:',
  'cta.personal': 'Deze link is persoonlijk. Stuur deze e-mail niet door.',
  'cta.pay': 'Bekijk en betaal',
  'cta.portal': 'Open het portaal',
  'cta.overview': 'Bekijk uw overzicht',
  'cta.plan': 'Bekijk uw betalingsregeling',
  'cta.counter': 'Bekijk het tegenvoorstel',
  'cta.dispute': 'Bekijk uw bezwaar',
  'cta.reply': 'Lees en beantwoord',
  'cta.backoffice': 'Openen in de backoffice',
  questions: 'Vragen? Beantwoord deze e-mail of mail naar {email}.',
  questionsNoEmail: 'Vragen? Beantwoord dan deze e-mail.',
  signoff: 'Met vriendelijke groet,',
  'footer.sentFor': 'Deze e-mail is verstuurd namens {legalName}',
  'footer.kvk': 'KvK {kvk}',
  'footer.iban': 'IBAN {iban}',
  alreadyPaid: 'Heeft u inmiddels betaald? Dan kunt u deze e-mail als niet verzonden beschouwen.',
  options:
    'Kunt u niet in één keer betalen, of klopt er iets niet? In het portaal kunt u ook een betalingsregeling voorstellen, een betaaldatum toezeggen of een factuur betwisten.',
  'schedule.caption': 'Termijnen',
  'schedule.number': 'Termijn',
  'schedule.dueDate': 'Uiterlijk',
  'schedule.amount': 'Bedrag',
  'schedule.total': 'Totaal',

  // friendly_reminder
  'friendly.subject.one': 'Vriendelijke herinnering: factuur {number} van {org}',
  'friendly.subject.other': 'Vriendelijke herinnering: {count} openstaande facturen van {org}',
  'friendly.heading': 'Vriendelijke herinnering',
  'friendly.intro.one':
    'Volgens onze administratie staat de onderstaande factuur nog open. Mogelijk is de factuur u ontgaan.',
  'friendly.intro.other':
    'Volgens onze administratie staan de onderstaande facturen nog open. Mogelijk zijn de facturen u ontgaan.',
  'friendly.ask':
    'Wilt u het openstaande bedrag van {amount} alsnog betalen? Via de knop hieronder ziet u de factuur en betaalt u direct met iDEAL, creditcard of een overboeking.',

  // second_reminder
  'second.subject.one': 'Tweede herinnering: factuur {number} van {org}',
  'second.subject.other': 'Tweede herinnering: {count} openstaande facturen van {org}',
  'second.heading': 'Tweede herinnering',
  'second.intro':
    'Wij hebben u eerder gevraagd het onderstaande te betalen, maar wij hebben uw betaling nog niet ontvangen.',
  'second.ask': 'Wij verzoeken u het openstaande bedrag van {amount} zo spoedig mogelijk te betalen.',

  // final_notice
  'final.subject.one': 'Laatste aanmaning: factuur {number} van {org}',
  'final.subject.other': 'Laatste aanmaning: {count} openstaande facturen van {org}',
  'final.heading': 'Laatste aanmaning',
  'final.intro':
    'Ondanks eerdere herinneringen hebben wij uw betaling van het onderstaande nog niet ontvangen. U bent daarom in verzuim.',
  'final.consumer.term':
    'Wij geven u nog één gelegenheid om te betalen zonder extra kosten: betaal het openstaande bedrag van {amount} binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd.',
  'final.consumer.costs':
    'Betaalt u niet binnen deze termijn, dan bent u incassokosten verschuldigd van {costs}. Dit bedrag is berekend volgens het Besluit vergoeding voor buitengerechtelijke incassokosten.',
  'final.consumer.interest':
    'Daarnaast bent u dan de wettelijke rente over het openstaande bedrag verschuldigd; tot nu toe is dat {interest}.',
  'final.consumer.delivery':
    'Deze e-mail is verstuurd op {sentOn}. Is hij die dag bij u bezorgd, dan loopt de termijn tot en met {deadline}.',
  'final.consumer.costsLine': 'Incassokosten als u niet binnen de termijn betaalt',
  'final.consumer.payNow': 'Nu te betalen',
  'final.business.intro':
    'Ondanks eerdere herinneringen hebben wij uw betaling van het onderstaande nog niet ontvangen. De betalingstermijn is verstreken; uw onderneming is daarmee in verzuim.',
  'final.business.costs':
    'Op grond van artikel 6:96 lid 4 BW bent u een vergoeding voor invorderingskosten verschuldigd van ten minste {minimum}, berekend volgens de BIK-staffel: {costs}. Daarnaast bent u over het openstaande bedrag de wettelijke handelsrente (artikel 6:119a BW) verschuldigd: tot en met {sentOn} is dat {interest}.',
  'final.business.ask':
    'Wij verzoeken u het totaalbedrag van {total} uiterlijk {deadline} te betalen. Blijft betaling uit, dan dragen wij de vordering over ter incasso; de rente loopt door tot de dag van betaling.',
  'final.interestUntil': '{label} tot en met {date}',

  // collection_handover
  'handover.subject.one': 'Uw factuur {number} van {org} is overgedragen ter incasso',
  'handover.subject.other': 'Uw openstaande facturen van {org} zijn overgedragen ter incasso',
  'handover.heading': 'Overdracht ter incasso',
  'handover.intro':
    'Wij hebben u meerdere keren gevraagd het onderstaande te betalen, maar hebben geen betaling ontvangen. Wij dragen de vordering daarom over ter incasso.',
  'handover.introAgency':
    'Wij hebben u meerdere keren gevraagd het onderstaande te betalen, maar hebben geen betaling ontvangen. Wij dragen de vordering daarom over aan {agency}.',
  'handover.total': 'Het totaal openstaande bedrag is {total}.',
  'handover.still':
    'Betaalt u nu direct via de knop hieronder, of neemt u vandaag nog contact met ons op, dan kunt u verdere stappen mogelijk voorkomen.',

  // payment_received
  'paid.subject': 'Betaling ontvangen: {amount}',
  'paid.heading': 'Bedankt voor uw betaling',
  'paid.intro': 'Wij hebben uw betaling van {amount} op {date} ontvangen.',
  'paid.allDone': 'Er staat niets meer open. U hoeft verder niets te doen.',
  'paid.remaining': 'Er staat nog {open} open. In het portaal ziet u wat er nog openstaat.',

  // fresh_link
  'fresh.subject': 'Uw nieuwe link naar het betaalportaal van {org}',
  'fresh.heading': 'Uw nieuwe link',
  'fresh.intro':
    'U heeft een nieuwe link aangevraagd om uw facturen van {org} te bekijken en te betalen. De link is geldig tot {expires}.',
  'fresh.introNoExpiry': 'U heeft een nieuwe link aangevraagd om uw facturen van {org} te bekijken en te betalen.',
  'fresh.notYou': 'Heeft u dit niet aangevraagd? Dan kunt u deze e-mail negeren.',

  // plans
  'planReceived.subject': 'Uw voorstel voor een betalingsregeling is ontvangen',
  'planReceived.heading': 'Voorstel ontvangen',
  'planReceived.intro.one': 'Wij hebben uw voorstel ontvangen om {total} in {count} termijn te betalen.',
  'planReceived.intro.other': 'Wij hebben uw voorstel ontvangen om {total} in {count} termijnen te betalen.',
  'planReceived.next':
    'Wij beoordelen uw voorstel en laten u zo snel mogelijk weten of wij ermee akkoord gaan. Zolang wij het beoordelen, sturen wij voor deze facturen geen herinneringen.',
  'planApproved.subject': 'Uw betalingsregeling is goedgekeurd',
  'planApproved.heading': 'Betalingsregeling goedgekeurd',
  'planApproved.intro': 'Goed nieuws: wij gaan akkoord met uw betalingsregeling. Hieronder staan de termijnen.',
  'planApproved.first': 'Betaal de eerste termijn van {amount} uiterlijk {date}. Wij herinneren u aan elke termijn.',
  'planRejected.subject': 'Uw voorstel voor een betalingsregeling is afgewezen',
  'planRejected.heading': 'Voorstel afgewezen',
  'planRejected.intro': 'Helaas kunnen wij niet akkoord gaan met uw voorstel voor een betalingsregeling.',
  'planRejected.reason': 'Toelichting: {reason}',
  'planRejected.next':
    'De herinneringen voor deze facturen gaan weer verder. U kunt het openstaande bedrag van {amount} betalen of een nieuw voorstel doen.',
  'planCountered.subject': 'Tegenvoorstel voor uw betalingsregeling',
  'planCountered.heading': 'Ons tegenvoorstel',
  'planCountered.intro.one':
    'Wij kunnen niet helemaal akkoord gaan met uw voorstel, maar doen u graag het volgende tegenvoorstel: {total} in {count} termijn.',
  'planCountered.intro.other':
    'Wij kunnen niet helemaal akkoord gaan met uw voorstel, maar doen u graag het volgende tegenvoorstel: {total} in {count} termijnen.',
  'planCountered.note': 'Toelichting: {note}',
  'planCountered.respond': 'Accepteer of weiger het tegenvoorstel in het portaal.',
  'planCountered.respondBy': 'Accepteer of weiger het tegenvoorstel uiterlijk {date} in het portaal.',
  'installmentReminder.subject': 'Termijn {n} van {of} van uw betalingsregeling vervalt op {date}',
  'installmentReminder.heading': 'Uw volgende termijn',
  'installmentReminder.intro':
    'Volgens uw betalingsregeling vervalt termijn {n} van {of}, een bedrag van {amount}, op {date}.',
  'installmentMissed.subject': 'Termijn {n} van uw betalingsregeling is niet betaald',
  'installmentMissed.heading': 'Termijn niet ontvangen',
  'installmentMissed.intro':
    'Wij hebben termijn {n} van {of} ({amount}, te betalen uiterlijk {due}) nog niet ontvangen.',
  'installmentMissed.grace':
    'Betaal deze termijn uiterlijk {grace}. Anders vervalt de betalingsregeling en gaan de herinneringen voor het hele openstaande bedrag weer verder.',
  'planDefaulted.subject': 'Uw betalingsregeling is beëindigd',
  'planDefaulted.heading': 'Betalingsregeling beëindigd',
  'planDefaulted.intro':
    'Omdat een termijn niet op tijd is betaald, is uw betalingsregeling beëindigd. Het resterende bedrag van {open} moet nu in zijn geheel worden betaald, en de herinneringen gaan weer verder.',

  // promises
  'promiseConfirmed.subject': 'Bevestiging: u betaalt {amount} uiterlijk {date}',
  'promiseConfirmed.heading': 'Bedankt voor uw toezegging',
  'promiseConfirmed.intro':
    'U heeft toegezegd {amount} uiterlijk {date} te betalen. Tot die datum sturen wij voor deze facturen geen herinneringen.',
  'promiseBroken.subject': 'Wij hebben uw toegezegde betaling niet ontvangen',
  'promiseBroken.heading': 'Toegezegde betaling niet ontvangen',
  'promiseBroken.intro':
    'U had toegezegd {amount} uiterlijk {date} te betalen, maar wij hebben die betaling niet ontvangen. De herinneringen gaan daarom weer verder.',

  // disputes
  'disputeOpened.subject': 'Wij hebben uw bezwaar tegen factuur {number} ontvangen',
  'disputeOpened.heading': 'Bezwaar ontvangen',
  'disputeOpened.intro': 'Wij hebben uw bezwaar tegen factuur {number} ontvangen. Uw kenmerk is {reference}.',
  'disputeOpened.reason': 'Reden: {reason}',
  'disputeOpened.pause': 'Zolang wij uw bezwaar behandelen, sturen wij voor deze factuur geen herinneringen.',
  'disputeOpened.response.one': 'U krijgt binnen {count} uur een reactie.',
  'disputeOpened.response.other': 'U krijgt binnen {count} uur een reactie.',
  'disputeReply.subject': 'Nieuw bericht over uw bezwaar tegen factuur {number}',
  'disputeReply.heading': 'Reactie op uw bezwaar',
  'disputeReply.intro': '{org} heeft gereageerd op uw bezwaar tegen factuur {number} ({reference}):',
  'disputeReply.introStaff': '{staff} van {org} heeft gereageerd op uw bezwaar tegen factuur {number} ({reference}):',
  'disputeReply.next': 'Lees het hele gesprek en reageer via de knop hieronder.',
  'disputeResolved.subject': 'Uw bezwaar tegen factuur {number} is afgehandeld',
  'disputeResolved.heading': 'Bezwaar afgehandeld',
  'disputeResolved.credited_full':
    'Wij hebben factuur {number} volledig gecrediteerd. U hoeft hiervoor niets meer te betalen.',
  'disputeResolved.credited_partial':
    'Wij hebben {credited} van factuur {number} gecrediteerd. Er staat nog {open} open.',
  'disputeResolved.rejected':
    'Na onderzoek handhaven wij factuur {number}. Er staat nog {open} open; de herinneringen gaan weer verder.',
  'disputeResolved.paid': 'Factuur {number} is inmiddels betaald. U hoeft niets meer te doen.',
  'disputeResolved.withdrawn': 'U heeft uw bezwaar tegen factuur {number} ingetrokken. Er staat nog {open} open.',
  'disputeResolved.note': 'Toelichting: {note}',
  'disputeReason.not_received': 'factuur of product niet ontvangen',
  'disputeReason.amount_wrong': 'bedrag klopt niet',
  'disputeReason.quality': 'ontevreden over het geleverde',
  'disputeReason.already_paid': 'al betaald',
  'disputeReason.other': 'anders',

  // staff_notification
  'staff.subject': '[{org}] {title}',
  'staff.greeting': 'Hallo,',
  'staff.footer': 'Deze melding is verstuurd door Voldaan voor {org}.',

  // mail: staff_invitation, promise_kept, plan_completed
  'invite.subject': 'Uitnodiging om mee te werken in Voldaan voor {org}',
  'invite.heading': 'U bent uitgenodigd',
  'invite.intro': '{inviter} nodigt u uit om in Voldaan mee te werken voor {org}, met de rol {role}.',
  'invite.introAnonymous': 'U bent uitgenodigd om in Voldaan mee te werken voor {org}, met de rol {role}.',
  'invite.role.admin': 'Beheerder',
  'invite.role.finance': 'Financiën',
  'invite.role.support': 'Support',
  'invite.setup': 'Met de knop hieronder kiest u uw naam en een wachtwoord; daarna bent u meteen ingelogd.',
  'invite.expires': 'De link werkt één keer en is geldig tot {expires}.',
  'invite.notYou':
    'Verwachtte u deze uitnodiging niet? Dan kunt u deze e-mail negeren; er wordt geen account aangemaakt.',
  'invite.footer': 'Deze uitnodiging is verstuurd door Voldaan namens {org}.',
  'cta.acceptInvite': 'Uitnodiging aannemen',
  'promiseKept.subject': 'Bedankt: uw toegezegde betaling is binnen',
  'promiseKept.heading': 'Bedankt voor uw betaling',
  'promiseKept.intro': 'U had toegezegd {amount} uiterlijk {date} te betalen. Dat is gelukt: dank u wel.',
  'promiseKept.invoices.one': 'Voor factuur {numbers} staat niets meer open.',
  'promiseKept.invoices.other': 'Voor de facturen {numbers} staat niets meer open.',
  'planCompleted.subject': 'Uw betalingsregeling is afgerond',
  'planCompleted.heading': 'Betalingsregeling afgerond',
  'planCompleted.intro': 'Uw betalingsregeling van {total} is afgerond. Dank u wel voor het nakomen van de afspraken.',
  'planCompleted.invoices.one': 'Voor factuur {numbers} staat niets meer open.',
  'planCompleted.invoices.other': 'Voor de facturen {numbers} staat niets meer open.',
  // disputes: questions and part credits
  'cta.question': 'Bekijk uw vraag',
  'questionOpened.subject': 'Wij hebben uw vraag over factuur {number} ontvangen',
  'questionOpened.heading': 'Vraag ontvangen',
  'questionOpened.intro': 'Wij hebben uw vraag over factuur {number} ontvangen. Uw kenmerk is {reference}.',
  'questionOpened.reminders':
    'Een vraag houdt de herinneringen voor deze factuur niet tegen. Denkt u dat de factuur niet klopt? Maak dan bezwaar in het portaal.',
  'questionReply.subject': 'Antwoord op uw vraag over factuur {number}',
  'questionReply.heading': 'Antwoord op uw vraag',
  'questionReply.intro': '{org} heeft uw vraag over factuur {number} ({reference}) beantwoord:',
  'questionReply.introStaff': '{staff} van {org} heeft uw vraag over factuur {number} ({reference}) beantwoord:',
  'disputeCredit.subject': 'Wij hebben een deel van factuur {number} gecrediteerd',
  'disputeCredit.heading': 'Deel gecrediteerd',
  'disputeCredit.intro':
    'Naar aanleiding van uw bezwaar ({reference}) hebben wij {credited} van factuur {number} gecrediteerd.',
  'disputeCredit.open': 'Op deze factuur staat nu nog {open} open.',
  'disputeCredit.choice':
    'Gaat u hiermee akkoord, of wilt u nog iets laten weten? Dat kan tot en met {date} via de knop hieronder. Daarna ronden wij uw bezwaar af met deze creditering en sturen wij voor het resterende bedrag weer herinneringen.',
} as const;

export type EmailMessageKey = keyof typeof nl;

export const en: Record<EmailMessageKey, string> = {
  greeting: 'Dear {name},',
  'invoices.number': 'Invoice',
  'invoices.issueDate': 'Invoice date',
  'invoices.dueDate': 'Due date',
  'invoices.open': 'Outstanding',
  'invoices.caption': 'Outstanding invoices',
  'totals.open': 'Amount outstanding',
  'totals.costs': 'Collection costs',
  'totals.compensation': 'Compensation for collection costs (BIK, at least {minimum})',
  'totals.interest': 'Statutory interest',
  'totals.commercialInterest': 'Statutory commercial interest',
  'totals.total': 'Total to pay',
  'cta.fallback': 'Button not working? Copy this link into your browser:',
  'cta.personal': 'This link is personal. Please do not forward this email.',
  'cta.pay': 'View and pay',
  'cta.portal': 'Open the portal',
  'cta.overview': 'View your overview',
  'cta.plan': 'View your payment plan',
  'cta.counter': 'View the counter-proposal',
  'cta.dispute': 'View your dispute',
  'cta.reply': 'Read and reply',
  'cta.backoffice': 'Open in the back office',
  questions: 'Questions? Reply to this email or write to {email}.',
  questionsNoEmail: 'Questions? Just reply to this email.',
  signoff: 'Kind regards,',
  'footer.sentFor': 'This email was sent on behalf of {legalName}',
  'footer.kvk': 'Chamber of Commerce {kvk}',
  'footer.iban': 'IBAN {iban}',
  alreadyPaid: 'Already paid? Then please disregard this email.',
  options:
    'Cannot pay in one go, or is something wrong? In the portal you can also propose a payment plan, promise a payment date or dispute an invoice.',
  'schedule.caption': 'Instalments',
  'schedule.number': 'Instalment',
  'schedule.dueDate': 'Due by',
  'schedule.amount': 'Amount',
  'schedule.total': 'Total',

  'friendly.subject.one': 'Friendly reminder: invoice {number} from {org}',
  'friendly.subject.other': 'Friendly reminder: {count} outstanding invoices from {org}',
  'friendly.heading': 'Friendly reminder',
  'friendly.intro.one': 'According to our records the invoice below is still open. Perhaps it slipped your attention.',
  'friendly.intro.other':
    'According to our records the invoices below are still open. Perhaps they slipped your attention.',
  'friendly.ask':
    'Would you please pay the outstanding amount of {amount}? The button below shows the invoice and lets you pay straight away by iDEAL, credit card or bank transfer.',

  'second.subject.one': 'Second reminder: invoice {number} from {org}',
  'second.subject.other': 'Second reminder: {count} outstanding invoices from {org}',
  'second.heading': 'Second reminder',
  'second.intro': 'We asked you earlier to pay the amount below, but we have not yet received your payment.',
  'second.ask': 'Please pay the outstanding amount of {amount} as soon as possible.',

  'final.subject.one': 'Final notice: invoice {number} from {org}',
  'final.subject.other': 'Final notice: {count} outstanding invoices from {org}',
  'final.heading': 'Final notice',
  'final.intro':
    'Despite earlier reminders we have not received your payment of the amount below. You are therefore in default.',
  'final.consumer.term':
    'We give you one last opportunity to pay without extra costs: pay the outstanding amount of {amount} within fourteen days from the day after this letter is delivered to you.',
  'final.consumer.costs':
    'If you do not pay within this term, you will owe collection costs of {costs}. This amount is calculated under the Dutch Decree on extrajudicial collection costs.',
  'final.consumer.interest':
    'In addition, statutory interest is then owed on the outstanding amount; so far that is {interest}.',
  'final.consumer.delivery':
    'This email was sent on {sentOn}. If it reached you that day, the term runs up to and including {deadline}.',
  'final.consumer.costsLine': 'Collection costs if you do not pay within the term',
  'final.consumer.payNow': 'To pay now',
  'final.business.intro':
    'Despite earlier reminders we have not received your payment of the amount below. The payment term has expired; your company is therefore in default.',
  'final.business.costs':
    'Under article 6:96(4) of the Dutch Civil Code you owe compensation for collection costs of at least {minimum}, calculated on the BIK scale: {costs}. You also owe statutory commercial interest (article 6:119a of the Dutch Civil Code) on the outstanding amount: up to and including {sentOn} that is {interest}.',
  'final.business.ask':
    'Please pay the total of {total} no later than {deadline}. If payment is not made, we will hand the claim over for collection; interest keeps accruing until the day of payment.',
  'final.interestUntil': '{label} up to and including {date}',

  'handover.subject.one': 'Your invoice {number} from {org} has been handed over for collection',
  'handover.subject.other': 'Your outstanding invoices from {org} have been handed over for collection',
  'handover.heading': 'Handed over for collection',
  'handover.intro':
    'We have asked you several times to pay the amount below but have received no payment. We are therefore handing the claim over for collection.',
  'handover.introAgency':
    'We have asked you several times to pay the amount below but have received no payment. We are therefore handing the claim over to {agency}.',
  'handover.total': 'The total amount outstanding is {total}.',
  'handover.still': 'If you pay now with the button below, or contact us today, you may still avoid further steps.',

  'paid.subject': 'Payment received: {amount}',
  'paid.heading': 'Thank you for your payment',
  'paid.intro': 'We received your payment of {amount} on {date}.',
  'paid.allDone': 'Nothing is outstanding any more. You do not need to do anything else.',
  'paid.remaining': 'There is still {open} outstanding. The portal shows what is still open.',

  'fresh.subject': 'Your new link to the payment portal of {org}',
  'fresh.heading': 'Your new link',
  'fresh.intro':
    'You asked for a new link to view and pay your invoices from {org}. The link is valid until {expires}.',
  'fresh.introNoExpiry': 'You asked for a new link to view and pay your invoices from {org}.',
  'fresh.notYou': 'Did not ask for this? Then you can ignore this email.',

  'planReceived.subject': 'We received your payment plan proposal',
  'planReceived.heading': 'Proposal received',
  'planReceived.intro.one': 'We received your proposal to pay {total} in {count} instalment.',
  'planReceived.intro.other': 'We received your proposal to pay {total} in {count} instalments.',
  'planReceived.next':
    'We will review your proposal and let you know as soon as possible whether we accept it. While we review it, we send no reminders for these invoices.',
  'planApproved.subject': 'Your payment plan has been approved',
  'planApproved.heading': 'Payment plan approved',
  'planApproved.intro': 'Good news: we accept your payment plan. The instalments are listed below.',
  'planApproved.first':
    'Please pay the first instalment of {amount} no later than {date}. We will remind you of each one.',
  'planRejected.subject': 'Your payment plan proposal has been declined',
  'planRejected.heading': 'Proposal declined',
  'planRejected.intro': 'Unfortunately we cannot accept your payment plan proposal.',
  'planRejected.reason': 'Explanation: {reason}',
  'planRejected.next':
    'Reminders for these invoices will resume. You can pay the outstanding amount of {amount} or make a new proposal.',
  'planCountered.subject': 'A counter-proposal for your payment plan',
  'planCountered.heading': 'Our counter-proposal',
  'planCountered.intro.one':
    'We cannot fully accept your proposal, but we would like to offer the following instead: {total} in {count} instalment.',
  'planCountered.intro.other':
    'We cannot fully accept your proposal, but we would like to offer the following instead: {total} in {count} instalments.',
  'planCountered.note': 'Explanation: {note}',
  'planCountered.respond': 'Accept or decline the counter-proposal in the portal.',
  'planCountered.respondBy': 'Please accept or decline the counter-proposal in the portal by {date}.',
  'installmentReminder.subject': 'Instalment {n} of {of} of your payment plan is due on {date}',
  'installmentReminder.heading': 'Your next instalment',
  'installmentReminder.intro':
    'Under your payment plan, instalment {n} of {of}, an amount of {amount}, is due on {date}.',
  'installmentMissed.subject': 'Instalment {n} of your payment plan has not been paid',
  'installmentMissed.heading': 'Instalment not received',
  'installmentMissed.intro': 'We have not yet received instalment {n} of {of} ({amount}, due by {due}).',
  'installmentMissed.grace':
    'Please pay this instalment no later than {grace}. Otherwise the payment plan ends and reminders for the whole outstanding amount resume.',
  'planDefaulted.subject': 'Your payment plan has ended',
  'planDefaulted.heading': 'Payment plan ended',
  'planDefaulted.intro':
    'Because an instalment was not paid on time, your payment plan has ended. The remaining {open} is now due in full, and reminders resume.',

  'promiseConfirmed.subject': 'Confirmation: you will pay {amount} by {date}',
  'promiseConfirmed.heading': 'Thank you for your promise',
  'promiseConfirmed.intro':
    'You promised to pay {amount} no later than {date}. Until that date we send no reminders for these invoices.',
  'promiseBroken.subject': 'We have not received the payment you promised',
  'promiseBroken.heading': 'Promised payment not received',
  'promiseBroken.intro':
    'You promised to pay {amount} no later than {date}, but we have not received that payment. Reminders will therefore resume.',

  'disputeOpened.subject': 'We received your dispute about invoice {number}',
  'disputeOpened.heading': 'Dispute received',
  'disputeOpened.intro': 'We received your dispute about invoice {number}. Your reference is {reference}.',
  'disputeOpened.reason': 'Reason: {reason}',
  'disputeOpened.pause': 'While we handle your dispute, we send no reminders for this invoice.',
  'disputeOpened.response.one': 'You will hear from us within {count} hour.',
  'disputeOpened.response.other': 'You will hear from us within {count} hours.',
  'disputeReply.subject': 'New message in your dispute about invoice {number}',
  'disputeReply.heading': 'Reply to your dispute',
  'disputeReply.intro': '{org} replied to your dispute about invoice {number} ({reference}):',
  'disputeReply.introStaff': '{staff} of {org} replied to your dispute about invoice {number} ({reference}):',
  'disputeReply.next': 'Read the whole conversation and reply with the button below.',
  'disputeResolved.subject': 'Your dispute about invoice {number} has been resolved',
  'disputeResolved.heading': 'Dispute resolved',
  'disputeResolved.credited_full': 'We have credited invoice {number} in full. You do not need to pay anything for it.',
  'disputeResolved.credited_partial':
    'We have credited {credited} of invoice {number}. There is still {open} outstanding.',
  'disputeResolved.rejected':
    'Having looked into it, we maintain invoice {number}. There is still {open} outstanding; reminders will resume.',
  'disputeResolved.paid': 'Invoice {number} has been paid in the meantime. You do not need to do anything.',
  'disputeResolved.withdrawn': 'You withdrew your dispute about invoice {number}. There is still {open} outstanding.',
  'disputeResolved.note': 'Explanation: {note}',
  'disputeReason.not_received': 'invoice or goods not received',
  'disputeReason.amount_wrong': 'the amount is wrong',
  'disputeReason.quality': 'unhappy with what was delivered',
  'disputeReason.already_paid': 'already paid',
  'disputeReason.other': 'other',

  'staff.subject': '[{org}] {title}',
  'staff.greeting': 'Hello,',
  'staff.footer': 'This notification was sent by Voldaan for {org}.',

  // mail: staff_invitation, promise_kept, plan_completed
  'invite.subject': 'Invitation to work in Voldaan for {org}',
  'invite.heading': 'You have been invited',
  'invite.intro': '{inviter} invites you to work in Voldaan for {org}, with the role {role}.',
  'invite.introAnonymous': 'You have been invited to work in Voldaan for {org}, with the role {role}.',
  'invite.role.admin': 'Admin',
  'invite.role.finance': 'Finance',
  'invite.role.support': 'Support',
  'invite.setup': 'The button below lets you choose your name and a password; you are then signed in straight away.',
  'invite.expires': 'The link works once and is valid until {expires}.',
  'invite.notYou': 'Not expecting this invitation? Then you can ignore this email; no account will be created.',
  'invite.footer': 'This invitation was sent by Voldaan on behalf of {org}.',
  'cta.acceptInvite': 'Accept the invitation',
  'promiseKept.subject': 'Thank you: your promised payment has arrived',
  'promiseKept.heading': 'Thank you for your payment',
  'promiseKept.intro': 'You promised to pay {amount} no later than {date}. You did: thank you.',
  'promiseKept.invoices.one': 'Nothing is outstanding any more on invoice {numbers}.',
  'promiseKept.invoices.other': 'Nothing is outstanding any more on invoices {numbers}.',
  'planCompleted.subject': 'Your payment plan is complete',
  'planCompleted.heading': 'Payment plan complete',
  'planCompleted.intro': 'Your payment plan of {total} is complete. Thank you for keeping to the arrangement.',
  'planCompleted.invoices.one': 'Nothing is outstanding any more on invoice {numbers}.',
  'planCompleted.invoices.other': 'Nothing is outstanding any more on invoices {numbers}.',
  // disputes: questions and part credits
  'cta.question': 'View your question',
  'questionOpened.subject': 'We received your question about invoice {number}',
  'questionOpened.heading': 'Question received',
  'questionOpened.intro': 'We received your question about invoice {number}. Your reference is {reference}.',
  'questionOpened.reminders':
    'A question does not stop the reminders for this invoice. If you think the invoice is wrong, please dispute it in the portal.',
  'questionReply.subject': 'Answer to your question about invoice {number}',
  'questionReply.heading': 'Answer to your question',
  'questionReply.intro': '{org} answered your question about invoice {number} ({reference}):',
  'questionReply.introStaff': '{staff} of {org} answered your question about invoice {number} ({reference}):',
  'disputeCredit.subject': 'We have credited part of invoice {number}',
  'disputeCredit.heading': 'Part credited',
  'disputeCredit.intro': 'Following your dispute ({reference}), we have credited {credited} of invoice {number}.',
  'disputeCredit.open': 'There is now {open} outstanding on this invoice.',
  'disputeCredit.choice':
    'Do you accept this, or is there anything else you would like to tell us? You can do so up to and including {date} with the button below. After that we close your dispute with this credit and reminders for the remaining amount resume.',
};

const messages: Record<EmailLocale, Record<EmailMessageKey, string>> = { nl, en };

/** The base `x` of a counted pair `x.one` / `x.other`. */
export type EmailCountedKey = {
  [K in EmailMessageKey]: K extends `${infer Base}.other`
    ? `${Base}.one` extends EmailMessageKey
      ? Base
      : never
    : never;
}[EmailMessageKey];

function lookup(locale: EmailLocale, key: string): string | undefined {
  return (messages[locale] as Record<string, string>)[key] ?? (nl as Record<string, string>)[key];
}

export function emailText(
  locale: EmailLocale,
  key: EmailMessageKey | EmailCountedKey,
  params: Record<string, string | number> = {},
) {
  let template = lookup(locale, key);
  if (template === undefined) {
    // A counted pair: its form by `params.count` under the reader's plural rules.
    const count = typeof params.count === 'number' ? params.count : Number.NaN;
    template = lookup(locale, `${key}.${Number.isNaN(count) ? 'other' : pluralCategory(locale, count)}`) ?? key;
  }
  return fill(template, params);
}

/** The translator bound to one locale, as templates use it. */
export function textFor(locale: EmailLocale) {
  return (key: EmailMessageKey | EmailCountedKey, params?: Record<string, string | number>) =>
    emailText(locale, key, params);
}

/** The counted message ("in 1 termijn", "in 3 termijnen") bound to one locale. */
export function countFor(locale: EmailLocale) {
  return (base: EmailCountedKey, count: number, params?: Record<string, string | number>) =>
    emailText(locale, base, { ...params, count });
}
