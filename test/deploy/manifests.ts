// Rendered Kubernetes manifests: parsing helm output and validating each object against the Kubernetes API
// schemas of kubernetes-models (ServiceMonitor, a Prometheus Operator CRD, against a strict schema of the
// fields the charts use).
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, ISecret, IService, IServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

/** A rendered object. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The kinds the charts render, typed by the Kubernetes API models. */
export interface Kinds {
  ConfigMap: IConfigMap;
  Service: IService;
  ServiceAccount: IServiceAccount;
  Secret: ISecret;
  Deployment: IDeployment;
  Job: IJob;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  PodDisruptionBudget: IPodDisruptionBudget;
  NetworkPolicy: INetworkPolicy;
  Ingress: IIngress;
  ServiceMonitor: { spec: { endpoints: Array<Record<string, unknown>> } };
}

export type Of<K extends keyof Kinds> = Omit<Kinds[K], 'metadata' | 'kind' | 'apiVersion'> & Manifest;

export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
    const value = doc.toJS() as Manifest | null;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

type Validator = (obj: Manifest) => void;

const nameSegment = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const serviceMonitorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'ServiceMonitor' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: `^${nameSegment}(\\.${nameSegment})*$`, maxLength: 253 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['selector', 'endpoints'],
      properties: {
        selector: {
          type: 'object',
          additionalProperties: false,
          properties: {
            matchLabels: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 },
          },
          required: ['matchLabels'],
        },
        namespaceSelector: { type: 'object' },
        endpoints: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['port'],
            properties: {
              port: { type: 'string', minLength: 1 },
              path: { type: 'string', pattern: '^/' },
              scheme: { enum: ['http', 'https'] },
              interval: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
              scrapeTimeout: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
              authorization: {
                type: 'object',
                additionalProperties: false,
                required: ['type', 'credentials'],
                properties: {
                  type: { const: 'Bearer' },
                  credentials: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name', 'key'],
                    properties: {
                      name: { type: 'string', minLength: 1 },
                      key: { type: 'string', minLength: 1 },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
const validateServiceMonitor = new Ajv({ allErrors: true }).compile(serviceMonitorSchema);

function model(ctor: new (data: never) => { validate(): void }): Validator {
  return (obj) => new ctor(obj as never).validate();
}

const VALIDATORS: Record<string, Validator> = {
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'v1/ServiceAccount': model(ServiceAccount),
  'apps/v1/Deployment': model(Deployment),
  'batch/v1/Job': model(Job),
  'autoscaling/v2/HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'networking.k8s.io/v1/Ingress': model(Ingress),
  'monitoring.coreos.com/v1/ServiceMonitor': (obj) => {
    if (!validateServiceMonitor(obj)) throw new Error(JSON.stringify(validateServiceMonitor.errors));
  },
};

/**
 * Validates every manifest; returns the problems ("Kind/name: message"). An object of a kind the charts are
 * not expected to render is a problem too (a Secret above all).
 */
export function schemaProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata?.name}`;
    const validate = VALIDATORS[`${m.apiVersion}/${m.kind}`];
    if (!validate) {
      problems.push(`${id}: unexpected ${m.apiVersion} ${m.kind}`);
      continue;
    }
    try {
      validate(m);
    } catch (err) {
      problems.push(`${id}: ${(err as Error).message}`);
    }
  }
  return problems;
}

export function find<K extends keyof Kinds>(
  manifests: Manifest[],
  kind: K,
  predicate: (m: Of<K>) => boolean = () => true,
): Array<Of<K>> {
  return (manifests.filter((m) => m.kind === kind) as Array<Of<K>>).filter(predicate);
}

/** True when every label of `selector` is on `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
