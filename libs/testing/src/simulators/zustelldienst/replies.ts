import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestKind } from './api-description';
import { EVENT } from './sets';

/** A reply (Antwort) of a destination to one of its cases, as the simulator keeps it. */
export interface SimulatedReply {
  replyId: string;
  caseId: string;
  submissionId: string;
  destinationId: string;
  announcedAttachments: string[];
  attachments: Map<string, string>;
  encryptedMetadata?: string;
  encryptedData?: string;
  /** Set when the sender confirmed it (`accept`). */
  accepted?: boolean;
}

/** What the reply desk needs of its Zustelldienst. */
export interface ReplyDeskHost {
  caseOf(caseId: string): { submissionId: string; caseId: string; destinationId: string } | undefined;
  check(kind: RequestKind, req: IncomingMessage, body: unknown): boolean;
  emitFor(
    c: { submissionId: string; caseId: string },
    event: string,
    payload?: Record<string, unknown>,
    replyId?: string,
  ): Promise<void>;
}

export interface ReplyRequest {
  req: IncomingMessage;
  raw: string;
  body(): unknown;
  send(status: number, body?: unknown, type?: Record<string, string>): void;
  problem(status: number, title: string): void;
  client: { role: 'sender' | 'subscriber'; destinations: string[] };
}

function tag(jwe: string | undefined): string {
  return jwe?.split('.')[4] ?? '';
}

/**
 * The reply half of the Submission API v2: the subscriber creates a reply on a case, uploads its
 * attachments and submits it (the Zustelldienst logs `submit-reply` with the JWE authentication tags);
 * the sender fetches it and confirms it (`accept-reply`). The JWEs are encrypted to the key the sender
 * named in the submission's `replyChannel.fitConnect.encryptionPublicKey`; the Zustelldienst cannot read them.
 */
export class ReplyDesk {
  readonly replies = new Map<string, SimulatedReply>();

  constructor(private readonly host: ReplyDeskHost) {}

  /** Handles a `/v2/replies…` request; false when the path is not one of them. */
  async handle(method: string, path: string, c: ReplyRequest): Promise<boolean> {
    let p: RegExpExecArray | null;
    if (method === 'POST' && path === '/v2/replies') await this.create(c);
    else if (method === 'PUT' && (p = /^\/v2\/replies\/([^/]+)\/attachments\/([^/]+)$/.exec(path)))
      this.upload(p[1], p[2], c);
    else if (method === 'PUT' && (p = /^\/v2\/replies\/([^/]+)\/accept$/.exec(path)))
      await this.accept(p[1], c);
    else if (method === 'PUT' && (p = /^\/v2\/replies\/([^/]+)$/.exec(path))) await this.submit(p[1], c);
    else if (method === 'GET' && (p = /^\/v2\/replies\/([^/]+)\/attachments\/([^/]+)$/.exec(path)))
      this.attachment(p[1], p[2], c);
    else if (method === 'GET' && (p = /^\/v2\/replies\/([^/]+)$/.exec(path))) this.fetch(p[1], c);
    else return false;
    return true;
  }

  /** The subscriber's own open reply, or undefined (answered 404). */
  private own(id: string, c: ReplyRequest): SimulatedReply | undefined {
    const r = this.replies.get(id);
    if (r === undefined || c.client.role !== 'subscriber' || !c.client.destinations.includes(r.destinationId))
      return undefined;
    return r;
  }

  private async create(c: ReplyRequest): Promise<void> {
    const body = c.body() as { caseId: string; announcedAttachments: string[] };
    if (!this.host.check('createReply', c.req, body))
      return c.problem(400, 'request does not match the API description');
    const found = this.host.caseOf(body.caseId);
    if (
      found === undefined ||
      c.client.role !== 'subscriber' ||
      !c.client.destinations.includes(found.destinationId)
    )
      return c.problem(404, 'case not found');
    const r: SimulatedReply = {
      replyId: randomUUID(),
      caseId: found.caseId,
      submissionId: found.submissionId,
      destinationId: found.destinationId,
      announcedAttachments: body.announcedAttachments,
      attachments: new Map(),
    };
    this.replies.set(r.replyId, r);
    c.send(201, { replyId: r.replyId, caseId: r.caseId });
  }

  private upload(id: string, attachmentId: string, c: ReplyRequest): void {
    const r = this.own(id, c);
    if (r === undefined) return c.problem(404, 'reply not found');
    if (!this.host.check('attachment', c.req, c.raw))
      return c.problem(400, 'request does not match the API description');
    if (!r.announcedAttachments.includes(attachmentId)) return c.problem(404, 'attachment not announced');
    if (r.encryptedData !== undefined) return c.problem(409, 'already submitted');
    r.attachments.set(attachmentId, c.raw);
    c.send(204);
  }

  private async submit(id: string, c: ReplyRequest): Promise<void> {
    const r = this.own(id, c);
    if (r === undefined) return c.problem(404, 'reply not found');
    const body = c.body() as { encryptedMetadata: string; encryptedData: string };
    if (!this.host.check('submitReply', c.req, body))
      return c.problem(400, 'request does not match the API description');
    if (r.encryptedData !== undefined) return c.problem(409, 'already submitted');
    const missing = r.announcedAttachments.filter((a) => !r.attachments.has(a));
    if (missing.length > 0) return c.problem(422, `announced attachments missing: ${missing.join(', ')}`);
    r.encryptedMetadata = body.encryptedMetadata;
    r.encryptedData = body.encryptedData;
    await this.host.emitFor(
      r,
      EVENT.submitReply,
      {
        authenticationTags: {
          metadata: tag(r.encryptedMetadata),
          data: tag(r.encryptedData),
          attachments: Object.fromEntries([...r.attachments].map(([k, v]) => [k, tag(v)])),
        },
      },
      r.replyId,
    );
    c.send(200, { replyId: r.replyId, caseId: r.caseId });
  }

  /** The sender's view: a submitted reply on one of its cases (the simulator has one sender role). */
  private readable(id: string, c: ReplyRequest): SimulatedReply | undefined {
    const r = this.replies.get(id);
    return r === undefined || c.client.role !== 'sender' || r.encryptedData === undefined ? undefined : r;
  }

  private fetch(id: string, c: ReplyRequest): void {
    const r = this.readable(id, c);
    if (r === undefined) return c.problem(404, 'reply not found');
    c.send(200, {
      replyId: r.replyId,
      caseId: r.caseId,
      attachments: r.announcedAttachments,
      encryptedMetadata: r.encryptedMetadata,
      encryptedData: r.encryptedData,
    });
  }

  private attachment(id: string, attachmentId: string, c: ReplyRequest): void {
    const jwe = this.readable(id, c)?.attachments.get(attachmentId);
    if (jwe === undefined) return c.problem(404, 'attachment not found');
    c.send(200, jwe, { 'content-type': 'application/jose' });
  }

  private async accept(id: string, c: ReplyRequest): Promise<void> {
    const r = this.readable(id, c);
    if (r === undefined) return c.problem(404, 'reply not found');
    const body = c.body() as {
      authenticationTags: { metadata: string; data: string; attachments?: Record<string, string> };
    };
    if (!this.host.check('acceptReply', c.req, body))
      return c.problem(400, 'request does not match the API description');
    const t = body.authenticationTags;
    if (t.metadata !== tag(r.encryptedMetadata) || t.data !== tag(r.encryptedData))
      return c.problem(422, 'authentication tags do not match the reply');
    if (r.accepted) return c.send(204);
    r.accepted = true;
    await this.host.emitFor(r, EVENT.acceptReply, { authenticationTags: t }, r.replyId);
    c.send(204);
  }
}
