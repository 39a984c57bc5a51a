import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, requireBinary, runCommand, startService, testPackageRoot } from './process.js';

describe('harness process helpers', () => {
  it('freePort returns a bindable loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('requireBinary names the Debian package to install when a binary is missing', () => {
    expect(requireBinary(['sh'], 'dash')).toMatch(/\/sh$/);
    expect(() => requireBinary(['no-such-binary-xyz'], 'some-debian-pkg')).toThrow(
      /no-such-binary-xyz not found: install the Debian package 'some-debian-pkg'/,
    );
  });

  it('runCommand captures exit code, stdout, stderr and feeds stdin', async () => {
    const result = await runCommand('sh', ['-c', 'cat; echo err >&2; exit 3'], { stdin: 'hello' });
    expect(result).toEqual({ code: 3, stdout: 'hello', stderr: 'err\n' });
    await expect(runCommand('sleep', ['5'], { timeoutMs: 200 })).rejects.toThrow(/timed out/);
  });

  it('startService reports an early exit with its output, and stop() is idempotent', async () => {
    const dying = startService({ name: 'dying', command: 'sh', args: ['-c', 'echo boom >&2; exit 7'] });
    await expect(dying.waitForLine(/never/, 5_000)).rejects.toThrow(/dying exited with code 7[\s\S]*boom/);

    const sleeper = startService({ name: 'sleeper', command: 'sh', args: ['-c', 'echo ready; exec sleep 60'] });
    expect(await sleeper.waitForLine(/^ready$/, 5_000)).toBe('ready');
    const t = Date.now();
    await sleeper.stop();
    expect(Date.now() - t).toBeLessThan(2_000);
    expect(sleeper.exited).toBe(true);
    await sleeper.stop();
  });

  it('finds the test package root', () => {
    expect(testPackageRoot()).toMatch(/\/test$/);
  });
});
