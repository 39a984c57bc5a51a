import { afterAll, beforeAll } from 'vitest';

/**
 * A resource a describe block's tests share: started in its beforeAll, stopped in its afterAll.
 * Read it inside tests and hooks only (before the beforeAll ran it does not exist yet).
 */
export function forSuite<T extends object>(start: () => Promise<T>, stop: (resource: T) => Promise<unknown>): T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  });
  afterAll(async () => {
    if (resource) await stop(resource);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!resource) throw new Error(`read ${String(key)} of a suite resource before its beforeAll ran`);
      const value: unknown = Reflect.get(resource, key);
      return typeof value === 'function' ? value.bind(resource) : value;
    },
  });
}
