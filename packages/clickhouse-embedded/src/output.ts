import { open, stat } from 'node:fs/promises';

/** Keeps the last `limit` characters written to it: the child's output is drained, never unbounded. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 16 * 1024) {}

  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }

  toString(): string {
    return this.text.trim();
  }
}

/** Current size of a file, 0 when it does not exist (yet). */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

/** At most the last `bytes` of what was appended to a file after offset `since`. */
export async function fileTail(path: string, since: number, bytes = 4096): Promise<string> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return '';
  try {
    const { size } = await file.stat();
    const start = Math.max(since, size - bytes);
    if (start >= size) return '';
    const { buffer } = await file.read(Buffer.alloc(size - start), 0, size - start, start);
    return buffer.toString().trim();
  } finally {
    await file.close();
  }
}
