import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DraftDto } from '../src/drafts/drafts.dto';
import { call, type IntakeUnderTest, seedCatalog, startIntake, TENANT } from './harness';

const PATTERN_LEIKA = '99050012104099';
const SCHEMA_ID = 'S60000000900';

/** A schema whose only field has the pattern that blocks a backtracking regex engine: (a+)+b. */
function patternSchema(id: string, pattern: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
<xdf:header><xdf:nachrichtID>pattern-0001</xdf:nachrichtID><xdf:erstellungszeitpunkt>2026-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
<xdf:stammdatenschema>
  <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
  <xdf:name>Musterprüfung</xdf:name>
  <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
  <xdf:bezeichnung>Musterprüfung</xdf:bezeichnung>
  <xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeld>
    <xdf:identifikation><xdf:id>F60000000901</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
    <xdf:name>Kennung</xdf:name>
    <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
    <xdf:bezeichnungEingabe>Kennung</xdf:bezeichnungEingabe>
    <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
    <xdf:feldart><code>input</code></xdf:feldart>
    <xdf:datentyp><code>text</code></xdf:datentyp>
    <xdf:praezisierung pattern="${pattern}"/>
  </xdf:datenfeld></xdf:enthaelt></xdf:struktur>
</xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;
}

describe('intake: FIM patterns from uploaded schemas cannot stall the service', () => {
  let intake: IntakeUnderTest;
  let base: string;

  before(async () => {
    intake = await startIntake('patterns');
    base = intake.url;
    await seedCatalog(base);
  });

  after(async () => {
    await intake.close();
  });

  it('checks (a+)+b against 27 and 100 000 characters in an anonymous draft save without stalling', async (t) => {
    const uploaded = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: patternSchema(SCHEMA_ID, '(a+)+b'),
    });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    await seedCatalog(
      base,
      { fimSchema: { id: SCHEMA_ID, version: '1.0.0' }, anonymousAllowed: true, minTrustLevel: 0 },
      PATTERN_LEIKA,
    );
    // The first request of a schema version compiles its validator; that is not what is measured here.
    const warm = await call<DraftDto>(base, 'POST', '/drafts', {
      body: { tenant: TENANT, leikaKey: PATTERN_LEIKA, data: { F60000000901: 'ab' } },
    });
    assert.deepEqual(warm.body.fieldErrors, []);
    const save = async (value: string): Promise<{ draft: DraftDto; ms: number }> => {
      const started = process.hrtime.bigint();
      const res = await call<DraftDto>(base, 'POST', '/drafts', {
        body: { tenant: TENANT, leikaKey: PATTERN_LEIKA, data: { F60000000901: value } },
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.fieldErrors.map((e) => [e.path, e.code]),
        [['/data/F60000000901', 'pattern']],
      );
      return { draft: res.body, ms };
    };
    for (const length of [27, 100_000]) {
      // Same size, but refused at the first character by any engine: what the request costs without the pattern.
      const baseline = await save('c'.repeat(length));
      const { draft, ms } = await save('a'.repeat(length));
      // Linear time: a generous bound only (the figures are in `npm run bench:fim`); backtracking needed 1.4 s
      // for 27 characters and would need years for 100 000.
      assert.ok(
        ms < baseline.ms + 1000,
        `${length} characters took ${ms.toFixed(0)} ms, the same size without the pattern ${baseline.ms.toFixed(0)} ms`,
      );
      t.diagnostic(
        `draft save with ${length} characters: ${ms.toFixed(1)} ms (baseline ${baseline.ms.toFixed(1)} ms)`,
      );
      const ok = await call<DraftDto>(base, 'PUT', `/drafts/${draft.draftId}`, {
        headers: { 'x-draft-token': draft.accessToken ?? '' },
        body: { data: { F60000000901: `${'a'.repeat(length)}b` } },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.fieldErrors, []);
    }
  });

  it('refuses a pattern the engine cannot run at upload, as problem+json in German and English', async () => {
    const refused = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: patternSchema('S60000000901', '(a|b)*a(a|b){20}'),
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 'fim-schema-unusable');
    assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
    const [problem] = refused.body.errors;
    assert.match(
      problem.message.en,
      /F60000000901 .*pattern "\(a\|b\)\*a\(a\|b\)\{20\}" cannot be used: .*too complex/,
    );
    assert.match(problem.message.de, /zu komplex/);
  });
});
