/** `GET /v2/destinations/{destinationId}` as the Submission API v2 answers it (the members routing reads). */
export interface PublicDestination {
  destinationId?: string;
  status?: string;
  encryptionKid?: string;
  metadataVersions?: string[];
  publicServices?: Array<{
    name?: string;
    identifier?: string;
    regions?: string[];
    submissionSchemas?: Array<{ schemaUri?: string; mimeType?: string }>;
  }>;
}

/** What the message needs of a destination. */
export interface Wanted {
  /** `urn:de:fim:leika:leistung:<key>`. */
  leistung: string;
  /** `DE` + the ARS of the submission. */
  region: string;
  schemaUri: string;
  metadataVersion: string;
}

/** The FIT-Connect region of an ARS: `DE` and the key (the Routing API's `ars` query, the submission's `region`). */
export function regionOf(ars: string): string {
  return `DE${ars}`;
}

/**
 * Why this destination cannot take the message, or undefined: active, a public service offering the
 * Leistung for the region (a region covers the ARS it is a prefix of) with a submission schema matching
 * the FIM schema, the metadata version among the accepted ones, and an encryption key named.
 */
export function destinationProblem(d: PublicDestination, w: Wanted): string | undefined {
  if (d.status !== 'active') return `the destination is ${d.status ?? 'without status'}, not active`;
  const services = (d.publicServices ?? []).filter((s) => s.identifier === w.leistung);
  if (services.length === 0) return `the destination offers no public service ${w.leistung}`;
  const inRegion = services.filter(
    (s) => s.regions === undefined || s.regions.some((r) => w.region.startsWith(r)),
  );
  if (inRegion.length === 0) return `the destination offers ${w.leistung} not for region ${w.region}`;
  if (!inRegion.some((s) => (s.submissionSchemas ?? []).some((x) => x.schemaUri === w.schemaUri)))
    return `the destination accepts no submission schema ${w.schemaUri} for ${w.leistung}`;
  const versions = d.metadataVersions ?? [];
  if (!versions.includes(w.metadataVersion))
    return `the destination accepts metadata ${versions.join(', ') || '(none named)'}, not ${w.metadataVersion}`;
  if (typeof d.encryptionKid !== 'string' || d.encryptionKid === '')
    return 'the destination names no encryptionKid';
  return undefined;
}
