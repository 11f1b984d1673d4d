import { isDin91379C, isDvdvIdentity } from '@amtsbote/xoev';
import { type FieldProblem, type Principal, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ChannelRegistry } from '../channels/channel-registry';
import { actorOf, adminScope, inScope } from '../common/access';
import { RoutingSettings } from '../common/settings';
import { newSecret } from '../common/signature';
import { FormatRegistry } from '../formats/format-registry';
import { publicKeyProblem } from '../formats/jwe';
import type {
  CreateDestinationDto,
  DestinationDto,
  DestinationSettingsDto,
  DestinationWithSecretDto,
  SecretDto,
} from './destinations.dto';
import { DestinationsRepository } from './destinations.repository';
import type { DestinationRecord } from './destinations.types';

const NOT_FOUND = { de: 'Das Ziel', en: 'The destination' };

export function toDestinationDto(d: DestinationRecord): DestinationDto {
  return {
    id: d.id,
    tenant: d.tenant,
    name: d.name,
    identity: d.identity,
    channel: d.channel,
    format: d.format,
    endpointUrl: d.endpointUrl,
    callbackUrl: d.callbackUrl,
    mtls: d.mtls,
    channelSettings: d.channelSettings,
    publicKey: d.publicKey,
    maxMessageBytes: d.maxMessageBytes,
    maxAttachmentBytes: d.maxAttachmentBytes,
    alertContact: d.alertContact,
    active: d.active,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Destinations (Fachverfahren endpoints) of a tenant: channel, format, key, limits, alert contact. */
@Injectable()
export class DestinationsService {
  constructor(
    private readonly repository: DestinationsRepository,
    private readonly audit: AuditService,
    private readonly settings: RoutingSettings,
    private readonly channels: ChannelRegistry,
    private readonly formats: FormatRegistry,
  ) {}

  /** A channel or format no plug-in is registered for is a bad request, like any value outside a list. */
  private known(dto: { channel?: string; format?: string }): void {
    const errors: FieldProblem[] = [];
    const check = (field: 'channel' | 'format', names: string[]) => {
      const value = dto[field];
      if (value === undefined || names.includes(value)) return;
      errors.push({
        path: `/${field}`,
        code: 'isIn',
        message: {
          de: `${field} muss einer dieser Werte sein: ${names.join(', ')}`,
          en: `${field} must be one of the following values: ${names.join(', ')}`,
        },
      });
    };
    check('channel', this.channels.names());
    check('format', this.formats.names());
    if (errors.length > 0) {
      throw ProblemException.badRequest(
        'validation-failed',
        { de: 'Die Anfrage enthält ungültige Angaben', en: 'The request contains invalid values' },
        errors,
      );
    }
  }

  async list(principal: Principal): Promise<DestinationDto[]> {
    const scope = adminScope(principal);
    return (await this.repository.list(scope.kind === 'all' ? null : scope.tenant)).map(toDestinationDto);
  }

  async get(principal: Principal, id: string): Promise<DestinationDto> {
    return toDestinationDto(await this.visible(principal, id));
  }

  /** A destination the admin may see; another tenant's is "not found". */
  async visible(principal: Principal, id: string): Promise<DestinationRecord> {
    const d = await this.repository.find(id);
    if (d === undefined || !inScope(adminScope(principal), d.tenant))
      throw ProblemException.notFound(NOT_FOUND);
    return d;
  }

  private async check(d: DestinationRecord): Promise<void> {
    const errors: FieldProblem[] = [];
    const add = (path: string, code: string, de: string, en: string) =>
      errors.push({ path, code, message: { de, en } });
    if (!isDin91379C(d.name)) {
      add(
        '/name',
        'din91379',
        'Der Name enthält Zeichen außerhalb von DIN 91379 (Datentyp C).',
        'The name contains characters outside DIN 91379 datatype C.',
      );
    }
    if (!isDvdvIdentity(d.identity)) {
      add('/identity', 'dvdv', 'Erwartet wird präfix:kennung.', 'Expected präfix:kennung.');
    }
    errors.push(...(await this.channels.get(d.channel).validate(d)));
    if (
      d.mtls &&
      (!this.settings.config.ROUTING_PUSH_TLS_CERT_FILE || !this.settings.config.ROUTING_PUSH_TLS_KEY_FILE)
    ) {
      add(
        '/mtls',
        'no-client-certificate',
        'mTLS braucht ROUTING_PUSH_TLS_CERT_FILE und ROUTING_PUSH_TLS_KEY_FILE.',
        'mTLS needs ROUTING_PUSH_TLS_CERT_FILE and ROUTING_PUSH_TLS_KEY_FILE.',
      );
    }
    if (d.maxAttachmentBytes > d.maxMessageBytes) {
      add('/maxAttachmentBytes', 'too-large', 'Größer als maxMessageBytes.', 'Larger than maxMessageBytes.');
    }
    if (d.publicKey !== null) {
      const problem = await publicKeyProblem(d.publicKey);
      if (problem)
        add('/publicKey', 'invalid-key', `Unbrauchbarer Schlüssel: ${problem}`, `Unusable key: ${problem}`);
    }
    if (errors.length > 0) {
      throw ProblemException.unprocessable(
        'invalid-destination',
        { de: 'Das Ziel ist nicht gültig', en: 'The destination is not valid' },
        errors,
      );
    }
  }

  async create(principal: Principal, dto: CreateDestinationDto): Promise<DestinationWithSecretDto> {
    const scope = adminScope(principal);
    const tenant = scope.kind === 'tenant' ? scope.tenant : dto.tenant;
    if (tenant === undefined || (dto.tenant !== undefined && dto.tenant !== tenant)) {
      throw ProblemException.unprocessable(
        'tenant-required',
        { de: 'Mandant fehlt oder ist nicht Ihrer', en: 'Tenant missing or not yours' },
        [{ path: '/tenant', code: 'tenant', message: { de: 'Ungültiger Mandant.', en: 'Invalid tenant.' } }],
      );
    }
    if (scope.kind === 'tenant' && !dto.id.startsWith(`${tenant}-`)) throw idOutsideTenant(tenant);
    const missing = (['name', 'identity', 'channel', 'format', 'alertContact'] as const).filter(
      (k) => dto[k] === undefined,
    );
    if (missing.length > 0) {
      throw ProblemException.badRequest(
        'validation-failed',
        { de: 'Die Anfrage enthält ungültige Angaben', en: 'The request contains invalid values' },
        missing.map((k) => ({
          path: `/${k}`,
          code: 'isDefined',
          message: { de: `${k} fehlt.`, en: `${k} is missing.` },
        })),
      );
    }
    this.known(dto);
    const secret = dto.secret ?? newSecret();
    const c = this.settings.config;
    const record: DestinationRecord = {
      id: dto.id,
      tenant,
      name: dto.name!,
      identity: dto.identity!,
      channel: dto.channel!,
      format: dto.format!,
      endpointUrl: dto.endpointUrl ?? null,
      callbackUrl: dto.callbackUrl ?? null,
      mtls: dto.mtls ?? false,
      channelSettings: dto.channelSettings ?? {},
      secretSealed: this.settings.secrets.seal(secret),
      publicKey: dto.publicKey ?? null,
      maxMessageBytes: dto.maxMessageBytes ?? c.ROUTING_DEFAULT_MAX_MESSAGE_BYTES,
      maxAttachmentBytes: dto.maxAttachmentBytes ?? c.ROUTING_DEFAULT_MAX_ATTACHMENT_BYTES,
      alertContact: dto.alertContact!,
      active: dto.active ?? true,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await this.check(record);
    const created = await this.repository.transaction(async (manager) => {
      if (!(await this.repository.insert(manager, record))) return undefined;
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'destination.create',
        target: record.id,
        details: {
          tenant,
          channel: record.channel,
          format: record.format,
          encrypted: record.publicKey !== null,
        },
      });
      return this.repository.find(record.id, manager);
    });
    if (created === undefined) {
      throw ProblemException.conflict('destination-exists', {
        de: 'Ein Ziel mit dieser Id gibt es schon',
        en: 'A destination with this id exists',
      });
    }
    return { ...toDestinationDto(created), secret };
  }

  async update(principal: Principal, id: string, dto: DestinationSettingsDto): Promise<DestinationDto> {
    const current = await this.visible(principal, id);
    this.known(dto);
    const next: DestinationRecord = {
      ...current,
      name: dto.name ?? current.name,
      identity: dto.identity ?? current.identity,
      channel: dto.channel ?? current.channel,
      format: dto.format ?? current.format,
      endpointUrl: dto.endpointUrl ?? current.endpointUrl,
      callbackUrl: dto.callbackUrl ?? current.callbackUrl,
      mtls: dto.mtls ?? current.mtls,
      channelSettings: dto.channelSettings ?? current.channelSettings,
      publicKey: dto.publicKey === undefined ? current.publicKey : dto.publicKey,
      maxMessageBytes: dto.maxMessageBytes ?? current.maxMessageBytes,
      maxAttachmentBytes: dto.maxAttachmentBytes ?? current.maxAttachmentBytes,
      alertContact: dto.alertContact ?? current.alertContact,
      active: dto.active ?? current.active,
    };
    await this.check(next);
    const changed = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
    const updated = await this.repository.transaction(async (manager) => {
      await this.repository.update(manager, next);
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'destination.update',
        target: id,
        details: { changed },
      });
      return this.repository.find(id, manager);
    });
    return toDestinationDto(updated!);
  }

  async rotateSecret(principal: Principal, id: string, secret: string | undefined): Promise<SecretDto> {
    const current = await this.visible(principal, id);
    const fresh = secret ?? newSecret();
    await this.repository.transaction(async (manager) => {
      await this.repository.update(manager, { ...current, secretSealed: this.settings.secrets.seal(fresh) });
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'destination.rotate-secret',
        target: id,
      });
    });
    return { secret: fresh };
  }

  /** A destination as stored (for the features that deliver to it); undefined when there is none. */
  find(id: string, manager?: EntityManager): Promise<DestinationRecord | undefined> {
    return this.repository.find(id, manager);
  }

  /** The plain HMAC secret of a destination (for signing). */
  secretOf(d: DestinationRecord): string {
    return this.settings.secrets.open(d.secretSealed);
  }
}

/**
 * Destination ids are unique across tenants. A tenant's admin names new ones with the tenant as prefix
 * (`hb-…`), so an id of another tenant is refused like any other id outside the own namespace — whether it
 * exists or not — instead of a 409 that would reveal it (reading it is 404 as well).
 */
function idOutsideTenant(tenant: string): ProblemException {
  return ProblemException.unprocessable(
    'destination-id-outside-tenant',
    { de: 'Id außerhalb des Mandanten', en: 'Id outside the tenant' },
    [
      {
        path: '/id',
        code: 'tenant-prefix',
        message: {
          de: `Neue Ziele Ihres Mandanten beginnen mit „${tenant}-“.`,
          en: `New destinations of your tenant start with "${tenant}-".`,
        },
      },
    ],
  );
}
