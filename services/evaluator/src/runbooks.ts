import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AlertName } from '@pi-egress/domain';

/** The runbooks shipped in the repository (docs/runbooks/<AlertName>.md), as a file URL. */
export const BUNDLED_RUNBOOKS_URL = pathToFileURL(fileURLToPath(new URL('../../../docs/runbooks', import.meta.url))).href;

/** runbook_url annotation of an alert. */
export function runbookUrl(baseUrl: string, alertname: AlertName): string {
  return `${baseUrl.replace(/\/+$/, '')}/${alertname}.md`;
}
