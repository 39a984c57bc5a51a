import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's `chromium` (or a Chrome) run headless, one short-lived process per document. */

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export class ChromiumUnavailableError extends Error {
  constructor(detail: string) {
    super(`the PDF report needs headless Chromium (Debian package chromium, or EGRESS_CHROMIUM_PATH): ${detail}`);
  }
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium executable: `configured` (EGRESS_CHROMIUM_PATH) when given, else the first candidate on PATH. */
export function findChromium(configured?: string, path = process.env.PATH ?? ''): string | undefined {
  if (configured) return isExecutable(configured) ? configured : undefined;
  for (const name of CANDIDATES) {
    for (const dir of path.split(delimiter).filter(Boolean)) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface ChromiumOptions {
  /** EGRESS_CHROMIUM_PATH; default: found on PATH. */
  executable?: string;
  timeoutMs?: number;
}

/** Runs Chromium headless on `html` (written to a private temp dir) with `flags`; returns the bytes it wrote to `output`. */
async function runHeadless(html: string, output: string, flags: (out: string) => string[], options: ChromiumOptions): Promise<Buffer> {
  const executable = findChromium(options.executable);
  if (!executable) throw new ChromiumUnavailableError(options.executable ? `${options.executable} is not an executable` : 'not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'pi-egress-report-'));
  try {
    const page = join(dir, 'report.html');
    const out = join(dir, output);
    writeFileSync(page, html);
    const args = [
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-dev-shm-usage',
      // A page of our own from a private file, every value escaped, and its Content-Security-Policy
      // allows no script and no load from anywhere (REPORT_CSP): the sandbox adds little here, and
      // it cannot start as root (CI) or in most containers without extra privileges.
      '--no-sandbox',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...flags(out),
      pathToFileURL(page).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(executable, args, { timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
        else resolve();
      });
    });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The page printed to PDF (A4 from the page's CSS, no browser header or footer). */
export function printToPdf(html: string, options: ChromiumOptions = {}): Promise<Buffer> {
  return runHeadless(html, 'report.pdf', (out) => ['--no-pdf-header-footer', `--print-to-pdf=${out}`], options);
}

/** A PNG screenshot of the page as a person sees it in a window of `width` × `height`. */
export function screenshot(html: string, options: ChromiumOptions & { width?: number; height?: number } = {}): Promise<Buffer> {
  return runHeadless(
    html,
    'page.png',
    (out) => [`--window-size=${options.width ?? 1024},${options.height ?? 1400}`, '--hide-scrollbars', `--screenshot=${out}`],
    options,
  );
}
