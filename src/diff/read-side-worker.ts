/**
 * Worker thread: read one side of a diff (parse, normalize, analyse for
 * findings) and post the compact side and its findings to the main thread.
 * Two of these read good and bad at once: on two cores a diff takes about
 * as long as reading its larger side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readSide } from './read-side.js';
import { Interner } from './side.js';
import { sideToMessage } from './side-transfer.js';
import { findingsOf, IncidentBuilder } from '../findings/index.js';
import { InputError, type OpenOptions } from '../readers/open.js';
import type { SideJob, WorkerReply } from './parallel-read.js';

const job = workerData as SideJob;
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

/** Progress crosses as numbers: the main thread's bar polls a stand-in stream. */
const watched: Array<{ file: string; stream: { readonly bytesRead?: number } }> = [];
const ticker = job.progress
  ? setInterval(() => {
      for (const w of watched) post({ type: 'bytes', file: w.file, bytesRead: w.stream.bytesRead ?? 0 });
    }, 200)
  : undefined;

async function run(): Promise<void> {
  const strings = new Interner();
  let incident: IncidentBuilder | undefined;
  const open: OpenOptions = {
    ...job.open,
    ...(job.progress
      ? {
          progress: {
            watch(file, stream, totalBytes) {
              watched.push({ file, stream });
              post({ type: 'watch', file, ...(totalBytes !== undefined ? { totalBytes } : {}) });
            },
          },
        }
      : {}),
  };
  // The job carries the side builder's options (memoryRows, spillFd) itself.
  const side = await readSide(job.paths, strings, open, (files) => (incident = new IncidentBuilder(files)), job);
  const findings = findingsOf(incident!.finish());
  const { message, transfer } = sideToMessage(side, strings);
  post({ type: 'done', side: message, findings }, transfer);
}

run()
  .catch((e: unknown) => post({ type: 'error', input: e instanceof InputError, message: e instanceof Error ? e.message : String(e) }))
  .finally(() => {
    if (ticker) clearInterval(ticker);
  });
