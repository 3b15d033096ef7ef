import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { getOutboxMessage, linksIn, requireDevelopment } from '~/modules/mail/index.server';
import { STATUS_BADGE } from '~/modules/mail/index';
import devMailStyles from '~/styles/dev-mail.css';
import { notFound } from '~/utils/http.server';
import { formatDateTime, type MessageKey } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { pageTitle } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: devMailStyles }];

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(matches, 'dunning.devMail.title') },
  { name: 'robots', content: 'noindex' },
];

export async function loader({ params }: LoaderFunctionArgs) {
  requireDevelopment();
  const id = z.uuid().safeParse(params.id);
  if (!id.success) notFound('Not Found');
  const row = await getOutboxMessage(id.data);
  if (!row) notFound('Not Found');
  const { comm } = row;
  return {
    message: {
      id: comm.id,
      organization: row.organization,
      toAddress: comm.toAddress,
      subject: comm.subject,
      template: comm.template,
      status: comm.status,
      locale: comm.locale,
      attempts: comm.attempts,
      error: comm.error,
      providerMessageId: comm.providerMessageId,
      createdAt: comm.createdAt.toISOString(),
      sentAt: comm.sentAt?.toISOString() ?? null,
      text: comm.textBody,
    },
    links: comm.html ? linksIn(comm.html) : [],
  };
}

export default function DevMailMessage() {
  const { message, links } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <main className="container stack" id="main">
      <p>
        <Link to="/dev/mail">{t('dunning.devMail.back')}</Link>
      </p>
      <h1>{message.subject ?? t('dunning.devMail.noSubject')}</h1>
      <dl className="facts">
        <dt>{t('dunning.devMail.to')}</dt>
        <dd>{message.toAddress}</dd>
        <dt>{t('dunning.devMail.organization')}</dt>
        <dd>{message.organization}</dd>
        <dt>{t('dunning.devMail.template')}</dt>
        <dd>
          <code>{message.template}</code> ({message.locale})
        </dd>
        <dt>{t('dunning.devMail.status')}</dt>
        <dd>
          <span className={`badge ${STATUS_BADGE[message.status]}`}>
            {t(`dunning.status.${message.status}` as MessageKey)}
          </span>
        </dd>
        <dt>{t('dunning.devMail.time')}</dt>
        <dd>{formatDateTime(message.sentAt ?? message.createdAt, locale)}</dd>
        <dt>{t('dunning.devMail.attempts')}</dt>
        <dd>{message.attempts}</dd>
        {message.providerMessageId ? (
          <>
            <dt>{t('dunning.devMail.providerId')}</dt>
            <dd>
              <code>{message.providerMessageId}</code>
            </dd>
          </>
        ) : null}
        {message.error ? (
          <>
            <dt>{t('dunning.devMail.error')}</dt>
            <dd>{message.error}</dd>
          </>
        ) : null}
      </dl>
      <section className="card stack" aria-labelledby="open-email">
        <p>
          <a id="open-email" className="button" href={`/dev/mail/${message.id}/html`} target="_blank" rel="noopener">
            {t('dunning.devMail.open')}
          </a>
        </p>
        <p className="hint">{t('dunning.devMail.openHint')}</p>
      </section>
      <section className="stack" aria-labelledby="email-links">
        <h2 id="email-links">{t('dunning.devMail.links')}</h2>
        {links.length === 0 ? (
          <p className="muted">{t('dunning.devMail.noLinks')}</p>
        ) : (
          <ul className="dev-mail-links">
            {links.map((href) => (
              <li key={href}>
                <a href={href}>{href}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="stack" aria-labelledby="email-text">
        <h2 id="email-text">{t('dunning.devMail.text')}</h2>
        {message.text ? (
          <pre className="card dev-mail-text">{message.text}</pre>
        ) : (
          <p className="muted">{t('dunning.devMail.notRendered')}</p>
        )}
      </section>
    </main>
  );
}
