import type { Store } from '@pi-egress/store';

/**
 * Advances the count checkpoints in the background, one refresh at a time, so that the process
 * writing the people keeps its own counts fast (any number of processes may: a checkpoint is a
 * pure function of the table and its watermark). Returns a stop function that waits for the
 * refresh in progress.
 */
export function startCheckpointing(store: Store, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = store.checkpoints
      .refresh()
      .catch(onError)
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
