#!/usr/bin/env node
// The whole monitor in one process (`npm start`).
import { runService } from '@pi-egress/core';
import { monitorEnvSchema } from './env.js';
import { startMonitor } from './monitor.js';

await runService({
  name: 'pi-egress-monitor',
  envSchema: monitorEnvSchema,
  async start({ env, logger, onStop }) {
    const monitor = await startMonitor(env, logger);
    onStop(() => monitor.stop());
  },
});
