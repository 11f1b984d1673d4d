import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { CodeListRecord } from './code-lists.entity';

export type CodeListCandidate = Pick<
  CodeListRecord,
  'canonicalVersionUri' | 'canonicalUri' | 'version' | 'genericodeSha256'
>;

/** What compiling a schema reads: which stored versions a reference could resolve to, and their content. */
@Injectable()
export class CodeListSourcesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stored versions of the given canonical URIs and the given canonicalVersionUris (metadata only). */
  async candidates(canonicalUris: string[], canonicalVersionUris: string[]): Promise<CodeListCandidate[]> {
    if (canonicalUris.length === 0 && canonicalVersionUris.length === 0) return [];
    return this.dataSource.manager.find(CodeListRecord, {
      select: ['canonicalVersionUri', 'canonicalUri', 'version', 'genericodeSha256'],
      where: [{ canonicalUri: In(canonicalUris) }, { canonicalVersionUri: In(canonicalVersionUris) }],
    });
  }

  async genericodeGzip(canonicalVersionUri: string, sha256: string): Promise<Buffer> {
    const found = await this.dataSource.manager.findOne(CodeListRecord, {
      where: { canonicalVersionUri, genericodeSha256: sha256 },
      select: ['canonicalVersionUri', 'genericodeGzip'],
    });
    if (!found) throw new Error(`code list ${canonicalVersionUri} (${sha256}) is no longer stored`);
    return found.genericodeGzip;
  }
}
