/**
 * The part of web-ext's programmatic API the build tests use (web-ext ships
 * no types). `lint` resolves with addons-linter's report.
 */
declare module 'web-ext' {
  export interface LintMessage {
    code: string;
    message: string;
    description?: string | string[];
    file?: string;
    line?: number;
  }

  export interface LintReport {
    count: number;
    summary: { errors: number; notices: number; warnings: number };
    errors: LintMessage[];
    notices: LintMessage[];
    warnings: LintMessage[];
  }

  export interface LintOptions {
    sourceDir: string;
    output?: 'json' | 'text';
    boring?: boolean;
    pretty?: boolean;
    selfHosted?: boolean;
    warningsAsErrors?: boolean;
    ignoreFiles?: string[];
  }

  const webExt: {
    cmd: {
      lint(options: LintOptions, context: { shouldExitProgram: boolean }): Promise<LintReport>;
    };
  };
  export default webExt;
}
