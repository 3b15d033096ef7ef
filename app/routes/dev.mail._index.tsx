import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listOutbox, PREVIEW_TEMPLATES, requireDevelopment } from '~/modules/mail/index.server';
import { LanguageSwitch } from '~/ui/language-switch';
import { STATUS_BADGE } from '~/modules/mail/index';
import { formatDateTime, type MessageKey } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { pageTitle } from '~/utils/i18n/meta';

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(matches, 'dunning.devMail.title') },
  { name: 'robots', content: 'noindex' },
];

export async function loader(_args: LoaderFunctionArgs) {
  requireDevelopment();
  const messages = await listOutbox(50);
  return {
    templates: PREVIEW_TEMPLATES,
    messages: messages.map((m) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
    })),
  };
}

export default function DevMailIndex() {
  const { messages, templates } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  return (
    <main className="container stack" id="main">
      <header className="stack">
        <h1>{t('dunning.devMail.title')}</h1>
        <p className="muted">{t('dunning.devMail.intro')}</p>
        <LanguageSwitch />
      </header>
      {messages.length === 0 ? (
        <p className="card">{t('dunning.devMail.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{tn('dunning.devMail.caption', messages.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dunning.devMail.time')}</th>
                <th scope="col">{t('dunning.devMail.to')}</th>
                <th scope="col">{t('dunning.devMail.subject')}</th>
                <th scope="col">{t('dunning.devMail.template')}</th>
                <th scope="col">{t('dunning.devMail.status')}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.sentAt ?? m.createdAt, locale)}</td>
                  <td>
                    {m.toAddress}
                    <br />
                    <span className="muted small">{m.organization}</span>
                  </td>
                  <td>
                    <Link to={`/dev/mail/${m.id}`}>{m.subject ?? t('dunning.devMail.noSubject')}</Link>
                  </td>
                  <td>
                    <code>{m.template}</code>
                  </td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[m.status]}`}>
                      {t(`dunning.status.${m.status}` as MessageKey)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="stack" aria-labelledby="templates">
        <h2 id="templates">{t('dunning.devMail.templates')}</h2>
        <p className="muted">{t('dunning.devMail.templatesIntro')}</p>
        <ul>
          {templates.map((name) => (
            <li key={name}>
              <code>{name}</code>:{' '}
              <a href={`/dev/mail/preview/${name}`} lang="nl">
                NL
              </a>{' '}
              · <a href={`/dev/mail/preview/${name}?locale=en`}>EN</a>
              {name === 'final_notice' ? (
                <>
                  {' '}
                  · <a href={`/dev/mail/preview/${name}?kind=business`}>NL {t('dunning.devMail.business')}</a> ·{' '}
                  <a href={`/dev/mail/preview/${name}?kind=business&locale=en`}>EN {t('dunning.devMail.business')}</a>
                </>
              ) : null}{' '}
              · <a href={`/dev/mail/preview/${name}?format=text`}>{t('dunning.devMail.plainText')}</a>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
