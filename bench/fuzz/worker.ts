/** The watchdog's worker thread (harness.ts): runs the jobs it is sent, answers with their results. */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type Job } from './harness.js';

const { tmp } = workerData as { tmp: string };

parentPort!.on('message', (m: { id: number; job: Job }) => {
  runJob(m.job, tmp).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) => parentPort!.postMessage({ id: m.id, error: `runJob failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}` }),
  );
});
