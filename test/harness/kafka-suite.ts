// The mock broker of one describe block (see forSuite): started before its tests, stopped after them.
import { forSuite } from '@pi-egress/testing';
import { startEventsMock } from './kafka-mock.js';

export const eventsMockForSuite = (...args: Parameters<typeof startEventsMock>) =>
  forSuite(
    () => startEventsMock(...args),
    ({ mock }) => mock.stop(),
  );
