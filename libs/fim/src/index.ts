/**
 * @amtsbote/fim: FIM XDatenfelder 2/3 engine. Parse Stammdatenschema and Datenfeldgruppe messages, validate
 * submissions, export JSON Schema, form definitions, XML and XSD.
 */
export {
  FimExportError,
  FimParseError,
  FimSampleError,
  FimSchemaError,
  type FimIssue,
  type SampleProblem,
  type FimIssueSeverity,
  type XmlLocation,
} from './errors';
export * from './model';
export {
  NS_XDF2,
  NS_XDF3,
  parseSchema,
  tryParseSchema,
  type ParseOptions,
  type ParseResult,
} from './parser/parse-schema';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type XmlReadLimits } from './xml/secure-xml';
export {
  NS_GENERICODE,
  codeListEntries,
  parseGenericode,
  type CodeList,
  type CodeListEntry,
  type ColumnChoice,
  type GenericodeColumn,
  type GenericodeKey,
} from './codelists/genericode';
export {
  BUNDLED_CODELIST_DIR,
  CodeListRegistry,
  compareVersions,
  pinnedUri,
  referencedCanonicalUris,
  requestedUri,
  type CodeListRegistryOptions,
  type LoadDirectoryOptions,
  type CodeListResolution,
  type ResolveOptions,
} from './codelists/registry';
export { CodeListCache } from './codelists/cache';
export {
  ValidatorCache,
  compileValidator,
  type CompileOptions,
  type FimError,
  type FimValidator,
  type ValidateOptions,
  type ValidationResult,
} from './validator/compile';
export type { ErrorParams, FimErrorCode, LocalizedMessage } from './validator/messages';
export {
  planSchema,
  walkPlan,
  type FieldPlan,
  type GroupPlan,
  type PlanNode,
  type PlannedCodeList,
  type ScalarValue,
  type SchemaOptions,
  type SchemaPlan,
  type ValueConstraint,
} from './validator/plan';
export { DIN_91379_C_PATTERN } from './validator/din91379';
export { MULTIPLE_OF_PRECISION } from './validator/formats';
export { JSON_SCHEMA_DIALECT, toJsonSchema, type JsonSchema } from './export/json-schema';
export {
  toFormDefinition,
  type FormCodeList,
  type FormDefinition,
  type FormElement,
  type FormField,
  type FormGroup,
  type FormOption,
  type FormRule,
  type FormWidget,
} from './export/form';
export {
  ATTACHMENT_FIELD,
  RENDER_TEXTS,
  toUiSchema,
  type UiLanguage,
  type UiSchema,
} from './export/ui-schema';
export { sampleData, type SampleOptions } from './export/sample';
export { defaultNamespace, toXml, type XmlExportOptions } from './export/xml';
export { toXsd, type XsdExportOptions } from './export/xsd';
export { inspectSchema, type SchemaSummary } from './inspect';
