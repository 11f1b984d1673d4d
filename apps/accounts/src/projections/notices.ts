// Longer than our ~400 lines on purpose: this is the table of what the citizen reads — every timeline entry
// and Postkorb message the projection writes, in German and English, one function per event. Kept in one
// file so that wording, tone and the shared phrases (dates, amounts, the Vorgangsnummer) are reviewed and
// translated together; the decisions about them live in projection-rules.ts and projections.service.ts.

import type {
  EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingRoutedV1,
  routingStatusV1,
  submissionReadyV1,
  submissionSubmittedV1,
} from '@amtsbote/contracts';
import { FALLBACK_FILENAME, sanitizeFilename } from '@amtsbote/platform';
import type {
  Bilingual,
  CitizenStatus,
  MessageCategory,
  Outcome,
  SenderKind,
} from '../postkorb/postkorb.model';
import { renderBody } from '../postkorb/rich-text';

/** What accounts knows about a submission when it words a message. */
export interface SubmissionContext {
  vorgangsnummer: string;
  leistungName: string | null;
}

export interface FileToFetch {
  fileId: string;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  url: string;
  urlExpiresAt: Date;
}

/**
 * What one event means for the citizen: a timeline entry, maybe a new citizen status, and a Postkorb
 * message — `always`, only `on-change` of the citizen status (pure status echoes that several services
 * report), or `never`.
 */
export interface Notice {
  kind: string;
  at: Date;
  status?: { status: CitizenStatus; outcome: Outcome | null };
  message: 'always' | 'on-change' | 'never';
  category: Exclude<MessageCategory, 'reply'>;
  sender: { kind: Exclude<SenderKind, 'citizen'>; name: string };
  title: Bilingual;
  subject: { de: string; en: string | null };
  body: { de: string; en: string | null };
  bodyHtml?: string | null;
  /** routing's id of an authority message, quoted as `inReplyTo` when the citizen answers it. */
  authorityRef?: string;
  attachments?: FileToFetch[];
}

/** Sender of messages the online service itself writes. */
export const SERVICE_SENDER = 'Online-Dienst (Amtsbote)';

const TIME_ZONE = 'Europe/Berlin';
const dateDe = new Intl.DateTimeFormat('de-DE', {
  timeZone: TIME_ZONE,
  dateStyle: 'medium',
  timeStyle: 'short',
});
const dateEn = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  dateStyle: 'medium',
  timeStyle: 'short',
});
const euroDe = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
const euroEn = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });

function when(at: Date): Bilingual {
  return { de: `${dateDe.format(at)} Uhr`, en: dateEn.format(at) };
}

function euros(cents: number): Bilingual {
  return { de: euroDe.format(cents / 100), en: euroEn.format(cents / 100) };
}

function application(ctx: SubmissionContext): Bilingual {
  return ctx.leistungName
    ? { de: `Ihr Antrag „${ctx.leistungName}“`, en: `your application "${ctx.leistungName}"` }
    : { de: 'Ihr Antrag', en: 'your application' };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function reference(ctx: SubmissionContext): Bilingual {
  return {
    de: `Vorgangsnummer: ${ctx.vorgangsnummer}`,
    en: `Reference number (Vorgangsnummer): ${ctx.vorgangsnummer}`,
  };
}

function paragraphs(...parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n');
}

function serviceNotice(
  n: Omit<Notice, 'sender' | 'subject' | 'body'> & { subject: Bilingual; body: Bilingual },
): Notice {
  return { ...n, sender: { kind: 'service', name: SERVICE_SENDER } };
}

// ---- submission events (intake) ------------------------------------------------------------------------------

export function submittedNotice(
  d: EventPayload<typeof submissionSubmittedV1>,
  ctx: SubmissionContext,
): Notice {
  const app = application(ctx);
  const at = new Date(d.submittedAt);
  const t = when(at);
  const ref = reference(ctx);
  return serviceNotice({
    kind: 'submission.submitted',
    at,
    status: { status: 'SUBMITTED', outcome: null },
    message: 'always',
    category: 'status',
    title: { de: 'Antrag eingereicht', en: 'Application submitted' },
    subject: {
      de: `${app.de} ist eingegangen`,
      en: `${capital(app.en)} has been submitted`,
    },
    body: {
      de: paragraphs(
        `${app.de} wurde am ${t.de} erfolgreich eingereicht.`,
        `${ref.de}. Bitte geben Sie diese Nummer bei Rückfragen an.`,
        'Über jeden weiteren Schritt informieren wir Sie hier in Ihrem Postkorb.',
      ),
      en: paragraphs(
        `${capital(app.en)} was submitted successfully on ${t.en}.`,
        `${ref.en}. Please quote it in any enquiry.`,
        'We will keep you informed about every further step here in your Postkorb.',
      ),
    },
  });
}

export function readyNotice(
  _d: EventPayload<typeof submissionReadyV1>,
  ctx: SubmissionContext,
  time: Date,
): Notice {
  const app = application(ctx);
  return serviceNotice({
    kind: 'submission.ready',
    // `ready` carries no time of its own: the event's CloudEvents time.
    at: time,
    status: { status: 'SUBMITTED', outcome: null },
    message: 'on-change',
    category: 'status',
    title: { de: 'Weiterleitung an die Behörde', en: 'Forwarding to the authority' },
    subject: {
      de: `${app.de} wird an die zuständige Behörde weitergeleitet`,
      en: `${capital(app.en)} is being forwarded to the responsible authority`,
    },
    body: {
      de: paragraphs(
        `${app.de} ist vollständig und wird jetzt an die zuständige Behörde weitergeleitet. Sie müssen nichts weiter tun.`,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `${capital(app.en)} is complete and is now being forwarded to the responsible authority. There is nothing more you need to do.`,
        `${reference(ctx).en}.`,
      ),
    },
  });
}

// ---- payment events ------------------------------------------------------------------------------------------

export function paymentRequestedNotice(
  d: EventPayload<typeof paymentRequestedV1>,
  ctx: SubmissionContext,
  time: Date,
): Notice {
  const app = application(ctx);
  const amount = euros(d.amountCents);
  const due = when(new Date(d.expiresAt));
  return serviceNotice({
    kind: 'payment.requested',
    at: time,
    status: { status: 'ACTION_REQUIRED', outcome: null },
    message: 'always',
    category: 'payment',
    title: { de: 'Gebühr zu bezahlen', en: 'Fee to pay' },
    subject: {
      de: `Bitte bezahlen Sie die Gebühr von ${amount.de}`,
      en: `Please pay the fee of ${amount.en}`,
    },
    body: {
      de: paragraphs(
        `Für ${app.de.replace(/^Ihr /, 'Ihren ')} fällt eine Gebühr von ${amount.de} an (Verwendungszweck: ${d.purpose}).`,
        `Bitte bezahlen Sie bis ${due.de}. Erst nach Eingang der Zahlung wird der Antrag an die Behörde weitergeleitet. Die Zahlung starten Sie dort, wo Sie den Antrag gestellt haben.`,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `A fee of ${amount.en} is due for ${app.en} (payment reference: ${d.purpose}).`,
        `Please pay by ${due.en}. The application is forwarded to the authority only once the payment has arrived. You can start the payment where you submitted the application.`,
        `${reference(ctx).en}.`,
      ),
    },
  });
}

export function paymentSettledNotice(
  d: EventPayload<typeof paymentSettledV1>,
  ctx: SubmissionContext,
): Notice {
  const amount = euros(d.amountCents);
  const at = new Date(d.paidAt);
  const t = when(at);
  const app = application(ctx);
  return serviceNotice({
    kind: 'payment.settled',
    at,
    status: { status: 'SUBMITTED', outcome: null },
    message: 'always',
    category: 'payment',
    title: { de: 'Zahlung eingegangen', en: 'Payment received' },
    subject: {
      de: `Ihre Zahlung über ${amount.de} ist eingegangen`,
      en: `Your payment of ${amount.en} has been received`,
    },
    body: {
      de: paragraphs(
        `Vielen Dank! Ihre Zahlung über ${amount.de} ist am ${t.de} eingegangen.`,
        `${app.de} wird jetzt an die zuständige Behörde weitergeleitet.`,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `Thank you! Your payment of ${amount.en} was received on ${t.en}.`,
        `${capital(app.en)} is now being forwarded to the responsible authority.`,
        `${reference(ctx).en}.`,
      ),
    },
  });
}

export function paymentFailedNotice(
  d: EventPayload<typeof paymentFailedV1>,
  ctx: SubmissionContext,
  time: Date,
): Notice {
  const cancelled = d.outcome === 'CANCELED';
  return serviceNotice({
    kind: cancelled ? 'payment.cancelled' : 'payment.failed',
    at: time,
    // Final for its submission: payment refuses a second attempt and intake ends the submission.
    status: { status: 'COMPLETED', outcome: cancelled ? 'CANCELLED' : 'FAILED' },
    message: 'always',
    category: 'payment',
    title: cancelled
      ? { de: 'Zahlung abgebrochen', en: 'Payment cancelled' }
      : { de: 'Zahlung nicht gelungen', en: 'Payment failed' },
    subject: cancelled
      ? { de: 'Sie haben die Zahlung abgebrochen', en: 'You cancelled the payment' }
      : { de: 'Ihre Zahlung ist nicht gelungen', en: 'Your payment did not go through' },
    body: {
      de: paragraphs(
        cancelled
          ? 'Sie haben die Zahlung abgebrochen. Es wurde nichts abgebucht.'
          : 'Ihre Zahlung konnte nicht abgeschlossen werden. Das kann zum Beispiel an einem Limit Ihrer Karte oder einer abgelaufenen Sitzung liegen.',
        'Ihr Antrag wird deshalb nicht weitergeleitet. Wenn Sie die Leistung weiterhin beantragen möchten, stellen Sie bitte einen neuen Antrag.',
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        cancelled
          ? 'You cancelled the payment. Nothing was charged.'
          : 'Your payment could not be completed. This can happen, for example, because of a card limit or an expired session.',
        'Your application will therefore not be forwarded. If you still want to apply, please submit a new application.',
        `${reference(ctx).en}.`,
      ),
    },
  });
}

export function paymentExpiredNotice(
  _d: EventPayload<typeof paymentExpiredV1>,
  ctx: SubmissionContext,
  time: Date,
): Notice {
  const app = application(ctx);
  return serviceNotice({
    kind: 'payment.expired',
    at: time,
    status: { status: 'COMPLETED', outcome: 'EXPIRED' },
    message: 'always',
    category: 'payment',
    title: { de: 'Zahlungsfrist abgelaufen', en: 'Payment deadline passed' },
    subject: { de: 'Die Zahlungsfrist ist abgelaufen', en: 'The payment deadline has passed' },
    body: {
      de: paragraphs(
        `Für ${app.de.replace(/^Ihr /, 'Ihren ')} ist bis zum Ende der Frist keine Zahlung eingegangen. Der Antrag wird deshalb nicht weiter bearbeitet.`,
        'Wenn Sie Ihr Anliegen weiter verfolgen möchten, stellen Sie bitte einen neuen Antrag.',
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `No payment for ${app.en} arrived before the deadline. The application will therefore not be processed further.`,
        'If you still want to pursue the matter, please submit a new application.',
        `${reference(ctx).en}.`,
      ),
    },
  });
}

// ---- routing events ------------------------------------------------------------------------------------------

export function routedNotice(
  d: EventPayload<typeof routingRoutedV1>,
  ctx: SubmissionContext,
  time: Date,
): Notice {
  const app = application(ctx);
  return serviceNotice({
    kind: 'routing.routed',
    // `routed` carries no time of its own: the event's CloudEvents time.
    at: time,
    status: { status: 'SUBMITTED', outcome: null },
    message: 'on-change',
    category: 'status',
    title: { de: 'Zuständige Behörde ermittelt', en: 'Responsible authority found' },
    subject: {
      de: `${app.de}: zuständig ist ${d.authority.name}`,
      en: `${capital(app.en)}: ${d.authority.name} is responsible`,
    },
    body: {
      de: paragraphs(
        `Für ${app.de.replace(/^Ihr /, 'Ihren ')} ist ${d.authority.name} zuständig. Die Übermittlung dorthin ist vorbereitet.`,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `${d.authority.name} is responsible for ${app.en}. It is ready to be passed on.`,
        `${reference(ctx).en}.`,
      ),
    },
  });
}

export function deliveredNotice(d: EventPayload<typeof routingDeliveredV1>, ctx: SubmissionContext): Notice {
  const app = application(ctx);
  return {
    kind: 'routing.delivered',
    at: new Date(d.deliveredAt),
    status: { status: 'RECEIVED', outcome: null },
    message: 'on-change',
    category: 'status',
    sender: { kind: 'authority', name: d.authority.name },
    title: { de: 'Der Behörde zugestellt', en: 'Delivered to the authority' },
    subject: {
      de: `${app.de} ist bei der Behörde eingegangen`,
      en: `${capital(app.en)} has reached the authority`,
    },
    body: {
      de: paragraphs(
        `${app.de} ist bei ${d.authority.name} eingegangen. Die Behörde meldet sich hier, sobald es Neuigkeiten gibt.`,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        `${capital(app.en)} has reached ${d.authority.name}. The authority will get in touch here as soon as there is news.`,
        `${reference(ctx).en}.`,
      ),
    },
  };
}

type RoutingStatus = EventPayload<typeof routingStatusV1>['status'];

const ROUTING_STATUS: Record<
  RoutingStatus,
  { status: CitizenStatus; outcome: Outcome | null; category: Notice['category']; title: Bilingual }
> = {
  RECEIVED: {
    status: 'RECEIVED',
    outcome: null,
    category: 'status',
    title: { de: 'Eingang bestätigt', en: 'Receipt confirmed' },
  },
  PROCESSING: {
    status: 'PROCESSING',
    outcome: null,
    category: 'status',
    title: { de: 'In Bearbeitung', en: 'Being processed' },
  },
  ACTION_REQUIRED: {
    status: 'ACTION_REQUIRED',
    outcome: null,
    category: 'request-for-action',
    title: { de: 'Ihre Mitwirkung ist erforderlich', en: 'Your action is required' },
  },
  COMPLETED: {
    status: 'COMPLETED',
    outcome: null,
    category: 'status',
    title: { de: 'Abgeschlossen', en: 'Completed' },
  },
  REJECTED: {
    status: 'COMPLETED',
    outcome: 'REJECTED',
    category: 'notice',
    title: { de: 'Antrag abgelehnt', en: 'Application rejected' },
  },
};

export function routingStatusNotice(d: EventPayload<typeof routingStatusV1>, ctx: SubmissionContext): Notice {
  const s = ROUTING_STATUS[d.status];
  const app = application(ctx);
  const authority = d.authority.name;
  const intro: Record<RoutingStatus, Bilingual> = {
    RECEIVED: {
      de: `${authority} hat den Eingang bestätigt: ${app.de}.`,
      en: `${authority} has confirmed receipt of ${app.en}.`,
    },
    PROCESSING: {
      de: `${authority} bearbeitet jetzt ${app.de.replace(/^Ihr /, 'Ihren ')}.`,
      en: `${authority} is now processing ${app.en}.`,
    },
    ACTION_REQUIRED: {
      de: `${authority} benötigt für ${app.de.replace(/^Ihr /, 'Ihren ')} weitere Angaben oder Unterlagen von Ihnen.`,
      en: `${authority} needs further information or documents from you for ${app.en}.`,
    },
    COMPLETED: {
      de: `${authority} hat die Bearbeitung abgeschlossen: ${app.de}.`,
      en: `${authority} has finished processing ${app.en}.`,
    },
    REJECTED: {
      de: `${authority} hat ${app.de.replace(/^Ihr /, 'Ihren ')} abgelehnt.`,
      en: `${authority} has rejected ${app.en}.`,
    },
  };
  const said = d.message ? renderBody(d.message).text : undefined;
  const answer =
    d.status === 'ACTION_REQUIRED'
      ? {
          de: 'Sie können direkt auf diese Nachricht antworten.',
          en: 'You can reply to this message directly.',
        }
      : undefined;
  return {
    kind: `routing.status.${d.status}`,
    at: new Date(d.at),
    status: { status: s.status, outcome: s.outcome },
    // A status with words from the authority is always worth a message; a bare status only when it is news.
    message: d.message ? 'always' : 'on-change',
    category: s.category,
    sender: { kind: 'authority', name: authority },
    title: s.title,
    subject: { de: `${s.title.de}: ${ctx.vorgangsnummer}`, en: `${s.title.en}: ${ctx.vorgangsnummer}` },
    body: {
      de: paragraphs(
        intro[d.status].de,
        said && `Nachricht der Behörde:\n${said}`,
        answer?.de,
        `${reference(ctx).de}.`,
      ),
      en: paragraphs(
        intro[d.status].en,
        said && `Message from the authority (as written):\n${said}`,
        answer?.en,
        `${reference(ctx).en}.`,
      ),
    },
  };
}

export function replyNotice(d: EventPayload<typeof routingReplyV1>): Notice {
  const body = renderBody(d.body);
  const bescheid = d.kind === 'BESCHEID';
  return {
    kind: bescheid ? 'routing.reply.BESCHEID' : 'routing.reply.MESSAGE',
    at: new Date(d.at),
    message: 'always',
    category: 'notice',
    sender: { kind: 'authority', name: d.authority.name },
    title: bescheid
      ? { de: 'Bescheid erhalten', en: 'Notice (Bescheid) received' }
      : { de: 'Nachricht der Behörde', en: 'Message from the authority' },
    // The authority writes in its own words (German); there is no translation to offer.
    subject: { de: d.subject, en: null },
    body: { de: body.text, en: null },
    bodyHtml: body.html,
    authorityRef: d.replyId,
    attachments: d.attachments.map((a) => ({
      fileId: a.fileId,
      // The Fachverfahren names its files; they are shown and stored here like a citizen's upload.
      filename: sanitizeFilename(a.filename, FALLBACK_FILENAME),
      mediaType: a.mediaType,
      size: a.size,
      sha512: a.sha512,
      url: a.url,
      urlExpiresAt: new Date(a.urlExpiresAt),
    })),
  };
}

type FailureCode = EventPayload<typeof routingFailedV1>['code'];

/** Our own plain words for routing's failure codes: what happened, whether the citizen must act. */
const FAILURES: Record<FailureCode, Bilingual> = {
  NO_AUTHORITY: {
    de: 'Für diese Leistung ist an Ihrem Wohnort keine zuständige Behörde an den Online-Dienst angebunden. Ihr Antrag kann deshalb nicht online weitergeleitet werden. Das liegt nicht an Ihren Angaben. Bitte wenden Sie sich an Ihre Stadt- oder Gemeindeverwaltung und nennen Sie dort die Vorgangsnummer.',
    en: 'No authority responsible for this service at your place of residence is connected to the online service, so your application cannot be forwarded online. This is not due to anything you entered. Please contact your local administration (Stadt- or Gemeindeverwaltung) and quote the reference number (Vorgangsnummer).',
  },
  INVALID_MESSAGE: {
    de: 'Bei der technischen Aufbereitung Ihres Antrags für die Behörde ist ein Fehler aufgetreten, der sich nicht beheben ließ. Ihr Antrag wurde deshalb nicht übermittelt. Es liegt nicht an Ihren Angaben. Bitte wenden Sie sich an die zuständige Behörde und nennen Sie dort die Vorgangsnummer.',
    en: 'An error that could not be resolved occurred while technically preparing your application for the authority, so your application was not passed on. This is not due to anything you entered. Please contact the responsible authority and quote the reference number (Vorgangsnummer).',
  },
  UNDELIVERABLE: {
    de: 'Das System der Behörde war über längere Zeit nicht erreichbar; alle Zustellversuche sind gescheitert und wurden eingestellt. Ihr Antrag wurde deshalb nicht zugestellt. Es liegt nicht an Ihren Angaben. Bitte wenden Sie sich an die zuständige Behörde und nennen Sie dort die Vorgangsnummer.',
    en: "The authority's system could not be reached for a long time; all delivery attempts failed and were stopped, so your application was not delivered. This is not due to anything you entered. Please contact the responsible authority and quote the reference number (Vorgangsnummer).",
  },
  NOT_FETCHED: {
    de: 'Die Behörde hat Ihren Antrag innerhalb der vorgesehenen Frist nicht abgeholt; er wurde deshalb nicht übermittelt. Es liegt nicht an Ihren Angaben. Bitte wenden Sie sich an die zuständige Behörde und nennen Sie dort die Vorgangsnummer.',
    en: 'The authority did not collect your application within the time allowed, so it was not passed on. This is not due to anything you entered. Please contact the responsible authority and quote the reference number (Vorgangsnummer).',
  },
  REJECTED: {
    de: 'Das System der Behörde hat Ihren Antrag technisch nicht angenommen; er wurde deshalb nicht zugestellt. Es liegt nicht an Ihren Angaben. Unser Betriebsteam ist informiert. Bitte wenden Sie sich an die zuständige Behörde und nennen Sie dort die Vorgangsnummer.',
    en: "The authority's system did not technically accept your application, so it was not delivered. This is not due to anything you entered. Our operations team has been informed. Please contact the responsible authority and quote the reference number (Vorgangsnummer).",
  },
};

/**
 * Titles of final failures: routing sends `routing.failed` only when it has given up (no authority, a message
 * that never validated, a refusal, retries exhausted and the dead letter abandoned, a pull message expired), and
 * intake ends the submission FAILED, so nothing may sound like it is merely delayed.
 */
const FAILURE_TITLES: Record<FailureCode, Bilingual> = {
  NO_AUTHORITY: { de: 'Keine Weiterleitung möglich', en: 'Cannot be forwarded' },
  INVALID_MESSAGE: { de: 'Übermittlung nicht möglich', en: 'Could not be transmitted' },
  REJECTED: { de: 'Technisch nicht angenommen', en: 'Not accepted for technical reasons' },
  UNDELIVERABLE: { de: 'Zustellung gescheitert', en: 'Delivery failed' },
  NOT_FETCHED: { de: 'Nicht abgeholt', en: 'Not collected' },
};

export function routingFailedNotice(d: EventPayload<typeof routingFailedV1>, ctx: SubmissionContext): Notice {
  const app = application(ctx);
  const title = FAILURE_TITLES[d.code];
  return serviceNotice({
    kind: `routing.failed.${d.code}`,
    at: new Date(d.at),
    // Every failure routing reports is final: intake ends the submission on it.
    status: { status: 'COMPLETED', outcome: 'FAILED' },
    message: 'always',
    category: 'status',
    title,
    subject: { de: `${app.de}: ${title.de}`, en: `${capital(app.en)}: ${title.en.toLowerCase()}` },
    body: {
      de: paragraphs(FAILURES[d.code].de, `${reference(ctx).de}.`),
      en: paragraphs(FAILURES[d.code].en, `${reference(ctx).en}.`),
    },
  });
}
