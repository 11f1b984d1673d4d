import type { PlanNode } from '@amtsbote/fim';

export interface AttachmentRef {
  /** JSON Pointer of the reference object inside the form data. */
  pointer: string;
  /** The reference object itself (mutable: intake fills in the stored metadata). */
  value: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every attachment reference in `data`, found along the schema's file fields (wherever they are nested). */
export function findAttachmentRefs(nodes: readonly PlanNode[], data: unknown, base = ''): AttachmentRef[] {
  const out: AttachmentRef[] = [];
  if (!isRecord(data)) return out;
  for (const node of nodes) {
    const value = data[node.key];
    if (value === undefined) continue;
    const repeated = node.multiplicity.max === null || node.multiplicity.max > 1;
    const items: Array<[unknown, string]> =
      repeated && Array.isArray(value)
        ? value.map((item, i): [unknown, string] => [item, `${base}/${node.key}/${i}`])
        : [[value, `${base}/${node.key}`]];
    for (const [item, pointer] of items) {
      if (node.kind === 'group') out.push(...findAttachmentRefs(node.children, item, pointer));
      else if (node.c.datentyp === 'file' && isRecord(item)) out.push({ pointer, value: item });
    }
  }
  return out;
}
