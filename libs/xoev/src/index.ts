/**
 * @amtsbote/xoev: XÖV message builders (Basisnachricht G2G header, xdomea 3.0 Geschäftsgang, the `fim-xml`
 * message), FIT-Connect metadata, and validation against the official schemas, which are read at run time
 * from a schema directory (never bundled). XSD validation sits behind {@link XsdEngine}: libxml2-wasm
 * compiled once per schema set on the delivery path, xmllint-wasm and the native xmllint as references.
 */
export {
  checkBundle,
  checkSchemaDir,
  g2gCatalog,
  G2G_HEADER_XSD_URL,
  G2G_NAMESPACE,
  requireBundle,
  SCHEMA_BUNDLES,
  SchemaBundleMissingError,
  schemaFileUrl,
  type MissingBundle,
  type SchemaBundle,
  type SchemaBundleKey,
} from './bundles';
export { readCatalog, type CatalogMap } from './catalog';
export {
  buildFimMessage,
  FIM_MESSAGE,
  fimDataSchemaSet,
  fimDataXml,
  fimMessageSchemaSet,
  prepareFimSchema,
  type PreparedFimSchema,
} from './fim-message';
export {
  buildFitConnectSubmission,
  type FitConnectMetadata,
  type FitConnectOptions,
  type FitConnectSubmission,
} from './fitconnect';
export {
  AMTSBOTE_DATASET_SCHEMA,
  AMTSBOTE_REPLY_PROCESS_STANDARD,
  buildFitConnectMetadataV2,
  buildFitConnectSubmissionOf,
  FIT_CONNECT_METADATA_2_1_0,
  FIT_CONNECT_METADATA_VERSIONS,
  type FitConnectMetadataV2,
  type FitConnectMetadataVersion,
  type FitConnectReplyChannel,
  type IdBundDeReferences,
  type V2Options as FitConnectV2Options,
} from './fitconnect-v2';
export {
  VERZEICHNISDIENST,
  writeNachrichtenkopfG2G,
  type MessageTypeCode,
  type NachrichtenkopfG2G,
} from './g2g';
export { CompiledJsonSchema, compileJsonSchema, fitConnectMetadataSchema } from './json-schema';
export {
  Libxml2Engine,
  SchemaSetCache,
  type Libxml2EngineOptions,
  type Libxml2SchemaSet,
} from './libxml2-engine';
export {
  deterministicUuid,
  isDin91379C,
  isDvdvIdentity,
  parseDvdvIdentity,
  safeFilename,
  sha512Hex,
  type Authority,
  type DvdvIdentity,
  type MessageAttachment,
  type MessagePayment,
  type SubmissionMessageInput,
} from './message-input';
export { NativeXmllintEngine, nativeXmllintPath, XmllintWasmEngine } from './reference-engines';
export { crawlSchemaSet, SchemaSetResolver } from './resolver';
export {
  SchemaSetError,
  summarizeReport,
  type CompiledSchemaSet,
  type SchemaSet,
  type ValidationIssue,
  type ValidationReport,
  type XsdEngine,
} from './validation';
export {
  buildXdomeaMessage,
  dateiformatCode,
  XDOMEA,
  xdomeaSchemaSet,
  type XdomeaFile,
  type XdomeaMessage,
} from './xdomea';
export {
  escapeAttribute,
  escapeText,
  isXmlText,
  XmlWriteError,
  XmlWriter,
  type XmlAttributes,
} from './xml-writer';
