let fileTypeModule: Promise<typeof import('file-type')> | undefined;

/** The media type of a file from its first bytes (file-type is ESM-only; loaded once on first use). */
export async function detectMediaType(head: Buffer): Promise<string | undefined> {
  fileTypeModule ??= import('file-type');
  const { fileTypeFromBuffer } = await fileTypeModule;
  return (await fileTypeFromBuffer(head))?.mime;
}
