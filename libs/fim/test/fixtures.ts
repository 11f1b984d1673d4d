import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CodeListRegistry, pinnedUri } from '../src/codelists/registry';
import type { FimSchema } from '../src/model';
import { tryParseSchema } from '../src/parser/parse-schema';
import type { CompileOptions } from '../src/validator/compile';
import { MULTIPLE_OF_PRECISION } from '../src/validator/formats';
import { fixturePath, repoRoot } from './helpers';

/** ajv as the README tells portal developers to set it up (its code optimisation off: large schemas compile 3x faster). */
export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    multipleOfPrecision: MULTIPLE_OF_PRECISION,
    code: { optimize: false },
  });
  addFormats(ajv);
  return ajv;
}

let xrepository: CodeListRegistry | undefined;

/** The bundled lists plus every real XRepository list of the shared fixtures. */
export function xrepositoryLists(): CodeListRegistry {
  if (xrepository === undefined) {
    xrepository = new CodeListRegistry();
    xrepository.loadDirectory(fixturePath('codelists-xrepository'));
  }
  return xrepository;
}

/**
 * Compile options for a real schema: the fixture code lists, and unknown lists allowed for exactly those
 * references the directory cannot resolve (computed, not named, so that a new list file counts).
 */
export function fixtureOptions(schema: FimSchema): CompileOptions {
  const codeLists = xrepositoryLists();
  const missing = new Set<string>();
  for (const field of schema.fields.values()) {
    const ref = field.codeliste;
    if (field.feldart !== 'select' || field.werte.length > 0 || (ref && codeLists.resolve(ref))) continue;
    // A select with neither werte nor a list (a placeholder in the flxbe fixtures) is allowed by its id.
    missing.add(ref ? (pinnedUri(ref) ?? ref.canonicalUri ?? field.id) : field.id);
  }
  return { codeLists, allowUnknownCodeLists: [...missing] };
}

export interface FixtureFile {
  name: string;
  file: string;
  /** From the FIM portal's export (`fim-xdf3-portal`): must parse without errors. */
  published: boolean;
}

const PUBLISHED = 'fim-xdf3-portal';

/**
 * Every real schema of the shared fixture directories, plus the demo schema. The portal's files must all
 * parse; of the other directories (which also hold negative cases) those that parse. Directories are listed,
 * not file names, so a new real file is covered by dropping it in.
 */
export function fixtureFiles(dirs = [PUBLISHED, 'fim-xdf2', 'fim-xdf3']): FixtureFile[] {
  const files = dirs.flatMap((d) =>
    fs
      .readdirSync(fixturePath(d))
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => ({ name: `${d}/${f}`, file: fixturePath(d, f), published: d === PUBLISHED })),
  );
  files.push({
    name: 'demo/bewohnerparkausweis.xdf2.xml',
    file: path.join(repoRoot(), 'test', 'demo', 'data', 'bewohnerparkausweis.xdf2.xml'),
    published: false,
  });
  return files.filter((f) => f.published || tryParseSchema(fs.readFileSync(f.file)).schema !== undefined);
}
