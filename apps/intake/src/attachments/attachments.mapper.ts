import type { AttachmentDto } from './attachments.dto';
import type { AttachmentRecord } from './attachments.entity';

export function toAttachmentDto(a: AttachmentRecord): AttachmentDto {
  return {
    attachmentId: a.id,
    filename: a.filename ?? '',
    mediaType: a.mediaType,
    size: a.size,
    sha512: a.sha512,
    createdAt: a.createdAt,
  };
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
