import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSink, replayNdjsonFile } from './replay.js';

describe('NDJSON file replay to the monitor over HTTP', () => {
  const requests: Array<{ authorization?: string; contentType?: string; lines: string[] }> = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const lines = body.split('\n').filter(Boolean);
    requests.push({ authorization: request.headers.authorization, contentType: request.headers['content-type'], lines });
    const rejected = lines.flatMap((line, index) => (line.includes('bad') ? [{ index, reason: '(root): not valid JSON' }] : []));
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ accepted: lines.length - rejected.length, duplicates: 0, rejected }));
  });
  let url = '';
  let dir = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = await mkdtemp(join(tmpdir(), 'replay-unit-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends batches of raw lines with the bearer token and reports refused lines by number', async () => {
    const file = join(dir, 'events.ndjson');
    await writeFile(file, '{"eventId":"a"}\r\n\n{"eventId":"b"}\n{bad\n{"eventId":"c"}');
    const progress: number[] = [];
    const result = await replayNdjsonFile({ file, sink: httpSink(url, 'secret-token'), batchSize: 2, onProgress: (done) => progress.push(done) });
    expect(requests.map((r) => r.lines)).toEqual([
      ['{"eventId":"a"}', '{"eventId":"b"}'],
      ['{bad', '{"eventId":"c"}'],
    ]);
    expect(requests[0]).toMatchObject({ authorization: 'Bearer secret-token', contentType: 'application/x-ndjson' });
    expect(result).toEqual({ lines: 4, accepted: 3, duplicates: 0, rejected: [{ line: 4, reason: '(root): not valid JSON' }] });
    expect(progress.at(-1)).toBe(54); // the whole file, in bytes
  });
});
