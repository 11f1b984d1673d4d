/**
 * The only e-mails accounts sends. They carry no personal data — no name, no subject of the message, no
 * Vorgangsnummer — because e-mail is not a confidential channel; the content waits in the Postkorb.
 */
export interface EmailText {
  subject: string;
  text: string;
}

const FOOTER_DE = 'Diese E-Mail wurde automatisch versendet. Bitte antworten Sie nicht darauf.';
const FOOTER_EN = 'This e-mail was sent automatically. Please do not reply to it.';

export function newMessageEmail(portalUrl: string | undefined): EmailText {
  const where = portalUrl ? `:\n${portalUrl}` : '.';
  return {
    subject: 'Neue Nachricht im Postkorb / New message in your Postkorb',
    text: [
      'Guten Tag,',
      '',
      'Sie haben eine neue Nachricht im Postkorb.',
      `Bitte melden Sie sich an, um sie zu lesen${where}`,
      '',
      FOOTER_DE,
      '',
      '—',
      '',
      'Hello,',
      '',
      'You have a new message in your Postkorb.',
      `Please sign in to read it${where}`,
      '',
      FOOTER_EN,
      '',
    ].join('\n'),
  };
}

export function confirmationEmail(link: string, validHours: number): EmailText {
  return {
    subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse / Please confirm your e-mail address',
    text: [
      'Guten Tag,',
      '',
      'bitte bestätigen Sie diese E-Mail-Adresse für Benachrichtigungen aus Ihrem Postkorb:',
      link,
      '',
      `Der Link ist ${validHours} Stunden gültig. Wenn Sie das nicht veranlasst haben, ignorieren Sie diese E-Mail einfach.`,
      '',
      FOOTER_DE,
      '',
      '—',
      '',
      'Hello,',
      '',
      'please confirm this e-mail address for notifications from your Postkorb:',
      link,
      '',
      `The link is valid for ${validHours} hours. If you did not ask for this, simply ignore this e-mail.`,
      '',
      FOOTER_EN,
      '',
    ].join('\n'),
  };
}
