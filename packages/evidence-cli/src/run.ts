import { baseEnvSchema, ConfigError, parseEnv } from '@pi-egress/config';
import { loadOrCreateEvidenceKey, publicKeyPem, readTrustedPublicKey, storeOptionsFromEnv, verifyEvidencePack } from '@pi-egress/core';
import { openSigned } from '@pi-egress/domain';
import { isPdf, renderReportHtml, renderReportPdf, REPORT_LANGS, verifyReportPdf, type ReportLang } from '@pi-egress/report';
import { openStore } from '@pi-egress/store';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

export const USAGE = `usage:
  pi-egress-evidence verify <pack.json | report.pdf> --public-key <file> [--clickhouse-url <url>]
      Checks the pack byte for byte (canonical form, Ed25519 signature by the trusted key), then
      recomputes it from the store as of its asOf and compares every section. A PDF report is
      checked through the signed pack it carries, and its pages must state that pack's figures.
      The store: --clickhouse-url or CLICKHOUSE_URL, with CLICKHOUSE_USER, CLICKHOUSE_PASSWORD,
      CLICKHOUSE_DATABASE (read-only access is enough). The trusted key: a public-key PEM (the
      operator's <key file>.pub) or, on the monitor's host, EGRESS_EVIDENCE_KEY_FILE.
  pi-egress-evidence report <pack.json> --out <report.pdf | report.html> [--lang zh|en] [--public-key <file>]
      Renders the compliance report of a saved pack offline (no store needed). The pack's signature
      must hold (and be by the trusted key when --public-key is given). A PDF needs headless
      Chromium (Debian package chromium, or EGRESS_CHROMIUM_PATH) and carries the signed pack.
  pi-egress-evidence public-key [--key-file <file>]
      Prints the public key (PEM) of the signing key (default EGRESS_EVIDENCE_KEY_FILE).
exit status: 0 verified, 1 not verified, 2 usage or configuration error`;

class UsageError extends Error {}

function trustedKeyFile(values: { 'public-key'?: string | undefined }, env: NodeJS.ProcessEnv): string {
  const file = values['public-key'] ?? env.EGRESS_EVIDENCE_KEY_FILE;
  if (!file) throw new UsageError('a trusted key is required: --public-key <file> or EGRESS_EVIDENCE_KEY_FILE');
  return file;
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'public-key': { type: 'string' }, 'clickhouse-url': { type: 'string' } },
  });
  const [packFile] = positionals;
  if (!packFile || positionals.length > 1) throw new UsageError('verify takes one evidence pack file');
  const trusted = readTrustedPublicKey(trustedKeyFile(values, io.env));
  const env = parseEnv(baseEnvSchema, io.env);
  const url = values['clickhouse-url'] ?? env.CLICKHOUSE_URL;
  if (!url) throw new UsageError('the store is required: --clickhouse-url <url> or CLICKHOUSE_URL');
  const store = await openStore({ ...storeOptionsFromEnv(env, url), migrate: false });
  try {
    const bytes = readFileSync(packFile);
    const result = isPdf(bytes) ? await verifyReportPdf(store, bytes, trusted) : await verifyEvidencePack(store, bytes.toString('utf8'), trusted);
    const subject = result.certificateId ? `${result.certificateId} ${result.year} as of ${result.asOf}` : packFile;
    if (result.ok) {
      io.out(`verified: evidence pack of ${subject} is signed by the trusted key and matches the store`);
      return 0;
    }
    io.out(`NOT verified: ${subject}`);
    for (const problem of result.problems) io.out(`  - ${problem}`);
    return 1;
  } finally {
    await store.close();
  }
}

async function report(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, lang: { type: 'string', default: 'zh' }, 'public-key': { type: 'string' } },
  });
  const [packFile] = positionals;
  if (!packFile || positionals.length > 1) throw new UsageError('report takes one evidence pack file');
  if (!values.out) throw new UsageError('report needs --out <report.pdf | report.html>');
  const lang = values.lang as ReportLang;
  if (!REPORT_LANGS.includes(lang)) throw new UsageError(`--lang: one of ${REPORT_LANGS.join(', ')}`);
  const text = readFileSync(packFile, 'utf8');
  const opened = openSigned(text, values['public-key'] ? readTrustedPublicKey(values['public-key']) : undefined);
  if (!opened.ok) {
    io.out(`NOT rendered: ${packFile} is not an intact signed evidence pack`);
    for (const problem of opened.problems) io.out(`  - ${problem}`);
    return 1;
  }
  const chromium = io.env.EGRESS_CHROMIUM_PATH ? { executable: io.env.EGRESS_CHROMIUM_PATH } : {};
  const html = values.out.toLowerCase().endsWith('.html');
  writeFileSync(values.out, html ? await renderReportHtml(JSON.parse(text), lang) : await renderReportPdf(text, lang, chromium));
  io.out(`wrote ${values.out}`);
  return 0;
}

function publicKey(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { 'key-file': { type: 'string' } } });
  const file = values['key-file'] ?? io.env.EGRESS_EVIDENCE_KEY_FILE;
  if (!file || !existsSync(file)) throw new UsageError('an existing signing key file is required: --key-file <file> or EGRESS_EVIDENCE_KEY_FILE');
  io.out(publicKeyPem(loadOrCreateEvidenceKey(file)).trimEnd());
  return 0;
}

/** The `pi-egress-evidence` command; returns the exit status. */
export async function runEvidenceCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'verify') return await verify(args, io);
    if (command === 'report') return await report(args, io);
    if (command === 'public-key') return publicKey(args, io);
    throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const misuse =
      error instanceof UsageError || error instanceof ConfigError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    io.err(misuse ? `${message}\n${USAGE}` : `error: ${message}`);
    return 2;
  }
}
