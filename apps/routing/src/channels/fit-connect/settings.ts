import { FIT_CONNECT_METADATA_VERSIONS } from '@amtsbote/xoev';
import type { FieldProblem } from '@amtsbote/platform';
import { httpUrl } from '../../common/http-url';
import type { DestinationRecord } from '../../destinations/destinations.types';
import { fieldProblem } from '../delivery-channel';
import type { FitConnectSettings } from './api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_REF = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** The settings of a destination the channel validated. */
export function settingsOf(d: DestinationRecord): FitConnectSettings {
  return d.channelSettings as unknown as FitConnectSettings;
}

/** What is wrong with a `fit-connect` destination, as field problems. */
export function validateSettings(d: DestinationRecord): FieldProblem[] {
  const s = d.channelSettings;
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, field: string, de: string, en: string) => {
    if (!ok) problems.push(fieldProblem(`/channelSettings/${field}`, 'invalid', de, en));
  };
  need(
    typeof s.destinationId === 'string' && UUID.test(s.destinationId),
    'destinationId',
    'Die destinationId des Zustellpunkts (UUID) fehlt.',
    "The destination's FIT-Connect destinationId (UUID) is missing.",
  );
  need(
    httpUrl(s.submissionApiUrl) !== undefined,
    'submissionApiUrl',
    'Die URL der Submission API des Zustelldienstes fehlt oder ist keine http(s)-URL ohne Zugangsdaten.',
    "The Zustelldienst's Submission API URL is missing or not an http(s) URL without credentials.",
  );
  need(
    httpUrl(s.tokenUrl) !== undefined,
    'tokenUrl',
    'Die URL des Token-Endpunkts fehlt oder ist keine http(s)-URL ohne Zugangsdaten.',
    'The OAuth token URL is missing or not an http(s) URL without credentials.',
  );
  need(
    typeof s.clientId === 'string' && s.clientId !== '',
    'clientId',
    'clientId fehlt.',
    'clientId is missing.',
  );
  need(
    typeof s.clientSecretRef === 'string' && SECRET_REF.test(s.clientSecretRef),
    'clientSecretRef',
    'clientSecretRef nennt die Datei des Client-Secrets in ROUTING_FITCONNECT_SECRETS_DIR, nicht das Secret.',
    'clientSecretRef names the file of the client secret in ROUTING_FITCONNECT_SECRETS_DIR, not the secret.',
  );
  need(
    s.scope === undefined || typeof s.scope === 'string',
    'scope',
    'scope ist ein Text.',
    'scope is a string.',
  );
  need(
    s.metadataVersion === undefined || FIT_CONNECT_METADATA_VERSIONS.some((v) => v === s.metadataVersion),
    'metadataVersion',
    `metadataVersion ist ${FIT_CONNECT_METADATA_VERSIONS.join(' oder ')}.`,
    `metadataVersion is ${FIT_CONNECT_METADATA_VERSIONS.join(' or ')}.`,
  );
  if (d.format !== 'fit-connect-json')
    problems.push(
      fieldProblem(
        '/format',
        'invalid',
        'Über FIT-Connect geht nur fit-connect-json.',
        'FIT-Connect carries fit-connect-json only.',
      ),
    );
  if (d.publicKey !== null)
    problems.push(
      fieldProblem(
        '/publicKey',
        'invalid',
        'Den Schlüssel liefert der Zustelldienst (geprüft gegen die Vertrauensanker); kein publicKey angeben.',
        'The Zustelldienst publishes the key (checked against the trust anchors); give no publicKey.',
      ),
    );
  return problems;
}
