// Runs redactSecrets off the test's thread, so a scan that never ends fails on the test's
// timeout instead of freezing the whole test process (a running regex cannot be interrupted).
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { redactSecrets } = await tsImport(workerData.module, import.meta.url);
parentPort.on('message', ({ text, secrets }) => parentPort.postMessage(redactSecrets(text, secrets)));
