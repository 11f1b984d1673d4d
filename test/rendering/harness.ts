/**
 * Drives react-jsonschema-form in Debian's headless Chromium: bundles the page (page/main.tsx) with
 * esbuild-wasm into the build output and talks to it through `window.fimHarness`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchema, UiSchema } from '@amtsbote/fim';
import { ensureChromium, repoRoot } from '@amtsbote/testing';
import * as esbuild from 'esbuild-wasm';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const PAGE_DIR = join(repoRoot(), 'test', 'rendering', 'page');
/** Build output of this test: the page bundle and the screenshots (not committed). */
export const RENDER_OUT = join(repoRoot(), 'test', 'dist', 'rendering');
export const SCREENSHOT_DIR = join(RENDER_OUT, 'screenshots');

/** This closed network refuses Chromium's own connections; these flags keep it from trying. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGE_HTML = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>FIM-Formular (RJSF)</title>
<style>
  body { font: 14px/1.4 sans-serif; margin: 16px; max-width: 900px; }
  fieldset { border: 1px solid #bbb; margin: 8px 0; padding: 6px 12px; }
  legend { font-weight: bold; }
  .form-group { margin: 6px 0; }
  .control-label { display: block; font-weight: 600; }
  .field-description, .help-block { color: #555; margin: 2px 0; }
  input:not([type=checkbox]), select { width: 100%; box-sizing: border-box; padding: 3px; }
  .errors, .error-detail { color: #b00020; }
</style></head><body><div id="root"></div></body></html>`;

export interface PageBundle {
  file: string;
  bytes: number;
  /** Milliseconds spent bundling; 0 when the bundle of the same inputs was reused. */
  buildMs: number;
}

/** Bundles React, RJSF and the page; reuses the bundle while the page and the lockfile are unchanged. */
export async function bundlePage(): Promise<PageBundle> {
  const file = join(RENDER_OUT, 'rjsf-page.js');
  const stamp = `${file}.sha256`;
  const hash = createHash('sha256');
  for (const input of [
    join(PAGE_DIR, 'main.tsx'),
    join(PAGE_DIR, 'tsconfig.json'),
    join(repoRoot(), 'package-lock.json'),
  ]) {
    hash.update(readFileSync(input));
  }
  const key = hash.digest('hex');
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
    return { file, bytes: statSync(file).size, buildMs: 0 };
  }
  mkdirSync(RENDER_OUT, { recursive: true });
  const started = Date.now();
  try {
    await esbuild.build({
      absWorkingDir: repoRoot(),
      entryPoints: [join(PAGE_DIR, 'main.tsx')],
      tsconfig: join(PAGE_DIR, 'tsconfig.json'),
      outfile: file,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      jsx: 'automatic',
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
  } finally {
    await esbuild.stop();
  }
  writeFileSync(stamp, key);
  return { file, bytes: statSync(file).size, buildMs: Date.now() - started };
}

/** One RJSF validation error as the page reports it. */
export interface RjsfError {
  name: string;
  property?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** What the page sees in the rendered form (mirrors `Inspection` in page/main.tsx). */
export interface PageView {
  unsupported: string[];
  labels: string[];
  selects: Array<{ id: string; value: string; placeholder: string | null }>;
  errors: string[];
}

interface PageHarness {
  render(request: { schema: JsonSchema; uiSchema: UiSchema; formData?: unknown }): void;
  validate(): { valid: boolean; errors: RjsfError[] };
  validateData(data: unknown): { valid: boolean; errors: RjsfError[] };
  formData(): unknown;
  inspect(): PageView;
}

type WithHarness = { fimHarness: PageHarness };

/** Headless Chromium with one page that has the RJSF bundle loaded. */
export class RjsfBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly userDataDir: string,
  ) {}

  static async launch(bundle: PageBundle): Promise<RjsfBrowser> {
    const executablePath = await ensureChromium((m) => process.stderr.write(`[rjsf] ${m}\n`));
    const userDataDir = mkdtempSync(join(tmpdir(), 'amtsbote-chromium-'));
    let browser: Browser | undefined;
    try {
      browser = await puppeteer.launch({
        executablePath,
        headless: true,
        pipe: true,
        userDataDir,
        args: CHROMIUM_FLAGS,
      });
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e instanceof Error ? e.message : String(e)));
      await page.setViewport({ width: 960, height: 800 });
      await page.setContent(PAGE_HTML);
      await page.addScriptTag({ content: readFileSync(bundle.file, 'utf8') });
      const ready = await page.evaluate(() => typeof (globalThis as unknown as WithHarness).fimHarness);
      if (ready !== 'object') throw new Error(`the RJSF page did not start: ${pageErrors.join('; ')}`);
      return new RjsfBrowser(browser, page, userDataDir);
    } catch (e) {
      await browser?.close();
      rmSync(userDataDir, { recursive: true, force: true });
      throw e;
    }
  }

  async render(schema: JsonSchema, uiSchema: UiSchema, formData?: unknown): Promise<void> {
    await this.page.evaluate((r) => (globalThis as unknown as WithHarness).fimHarness.render(r), {
      schema,
      uiSchema,
      formData,
    });
  }

  /** Validates the rendered form as a submit would (`Form.validateForm`). */
  validateForm(): Promise<{ valid: boolean; errors: RjsfError[] }> {
    return this.page.evaluate(() => (globalThis as unknown as WithHarness).fimHarness.validate());
  }

  /** RJSF's validator on data against the schema of the rendered form, without rendering it. */
  validateData(data: unknown): Promise<{ valid: boolean; errors: RjsfError[] }> {
    return this.page.evaluate((d) => (globalThis as unknown as WithHarness).fimHarness.validateData(d), data);
  }

  formData(): Promise<unknown> {
    return this.page.evaluate(() => (globalThis as unknown as WithHarness).fimHarness.formData());
  }

  inspect(): Promise<PageView> {
    return this.page.evaluate(() => (globalThis as unknown as WithHarness).fimHarness.inspect());
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      rmSync(this.userDataDir, { recursive: true, force: true });
    }
  }
}
