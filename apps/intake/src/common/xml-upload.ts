import type { FimIssue } from '@amtsbote/fim';
import { type Bilingual, type FieldProblem, ProblemException } from '@amtsbote/platform';

/** The admin XML uploads (FIM schemas, code lists) take the document as the raw request body. */
export function requireXmlBody(xml: unknown, what: Bilingual): string {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new ProblemException({
      status: 415,
      code: 'xml-body-required',
      title: { de: 'XML erwartet', en: 'XML expected' },
      detail: {
        de: `Senden Sie ${what.de} als Anfragetext mit Content-Type application/xml.`,
        en: `Send ${what.en} as the request body with Content-Type application/xml.`,
      },
    });
  }
  return xml;
}

export type XmlIssueProblem = FieldProblem & { line?: number; column?: number };

/** A parser issue of an uploaded XML document as a field problem: `path` is the XML path, with line and column. */
export function xmlIssueProblem(i: FimIssue, prefix: string): XmlIssueProblem {
  const where = i.line !== undefined ? ` (Zeile ${i.line}, Spalte ${i.column ?? 0})` : '';
  const whereEn = i.line !== undefined ? ` (line ${i.line}, column ${i.column ?? 0})` : '';
  const p: XmlIssueProblem = {
    path: i.xmlPath ?? '',
    code: i.code,
    message: { de: `${prefix}: ${i.message.de}${where}`, en: `${prefix}: ${i.message.en}${whereEn}` },
  };
  if (i.elementId !== undefined) p.elementId = i.elementId;
  if (i.line !== undefined) p.line = i.line;
  if (i.column !== undefined) p.column = i.column;
  return p;
}
