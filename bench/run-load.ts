import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { LoadJob, LoadResult } from './load-job.ts';

const WORKER = path.join(import.meta.dirname, 'load-worker.ts');
const running = new Set<ChildProcess>();

/** Runs one load job in a child process and resolves with its result. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'] });
    running.add(child);
    let result: LoadResult | undefined;
    child.once('message', (message) => {
      result = message as LoadResult;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (result) resolve(result);
      else reject(new Error(`the load generator exited (${signal ?? `code ${code}`}) without a result`));
    });
    child.send(job);
  });
}

/** Ends whatever load is running, when the run is cut short. */
export function stopLoad(): void {
  for (const child of running) child.kill();
}
