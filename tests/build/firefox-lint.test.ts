/**
 * The Firefox build as addons.mozilla.org checks it: `web-ext lint` (Mozilla's
 * addons-linter) on a fresh `.output/firefox-mv2` finds no error. Its warnings
 * are printed, not failed on: see the « Firefox » section of
 * extension/ARCHITECTURE.md for the ones the bundle keeps.
 */
import { join } from 'node:path';
import webExt, { type LintReport } from 'web-ext';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, OUTPUT, withOutputLock } from './support/wxt-output.js';

describe('Firefox build lint', { timeout: 180_000 }, () => {
  let report: LintReport;

  beforeAll(async () => {
    report = await withOutputLock(async () => {
      await build(['-b', 'firefox'], 'firefox-mv2');
      return webExt.cmd.lint(
        { sourceDir: join(OUTPUT, 'firefox-mv2'), output: 'json', boring: true },
        { shouldExitProgram: false },
      );
    });
    const where = (file?: string, line?: number) =>
      file ? ` (${file}${line ? `:${line}` : ''})` : '';
    console.warn(
      `web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings: ` +
        report.warnings.map((w) => `${w.code}${where(w.file, w.line)}`).join(', '),
    );
  }, 180_000);

  it('reports no error', () => {
    expect(report.errors.map((e) => `${e.code}: ${e.message} ${e.file ?? ''}`)).toEqual([]);
  });

  it('reports nothing about the manifest, errors or warnings', () => {
    const aboutManifest = [...report.errors, ...report.warnings, ...report.notices].filter(
      (message) => message.file === 'manifest.json' || message.file?.startsWith('_locales/'),
    );
    expect(aboutManifest.map((m) => `${m.code}: ${m.message}`)).toEqual([]);
  });
});
