/**
 * scrypt derivations on dedicated worker threads instead of libuv's threadpool (issue 14). glibc
 * keeps a freed 16 MiB scrypt buffer in the malloc arena of the thread that ran it, so derivations
 * spread over the 4 threadpool threads left up to 4 × 16 MiB resident for good after a few failed
 * logins. Here each derivation runs on one of at most `size` threads (default: the scrypt queue's
 * concurrency, {@link defaultScryptConcurrency}), started on first use, so what stays resident
 * is bounded by that number. Idle threads do not hold the process open.
 * @module
 */
import { Worker } from "node:worker_threads";

interface Job {
  readonly id: number;
  readonly message: {
    readonly id: number;
    readonly secret: string;
    readonly salt: Buffer;
    readonly keyLength: number;
    readonly options: { readonly N: number; readonly r: number; readonly p: number; readonly maxmem: number };
  };
  readonly resolve: (key: Buffer) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  job: Job | undefined;
}

const WORKER_URL = new URL("./scrypt-worker.js", import.meta.url);

/** A small pool of scrypt threads with a FIFO queue. */
export class ScryptThreads {
  readonly #size: number;
  readonly #threads: Thread[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;

  constructor(size: number) {
    this.#size = Math.max(1, Math.floor(size));
  }

  /** `crypto.scrypt` on a pool thread. */
  derive(
    secret: string,
    salt: Buffer,
    keyLength: number,
    options: Job["message"]["options"],
  ): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const id = this.#nextId++;
      this.#queue.push({ id, message: { id, secret, salt, keyLength, options }, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let thread = this.#threads.find((t) => t.job === undefined);
      if (!thread && this.#threads.length < this.#size) thread = this.#spawn();
      if (!thread) return;
      const job = this.#queue.shift() as Job;
      thread.job = job;
      thread.worker.ref();
      thread.worker.postMessage(job.message);
    }
  }

  #spawn(): Thread {
    // Plain JavaScript: no loader flags of the main thread (tsx) to start.
    const worker = new Worker(WORKER_URL, { execArgv: [] });
    const thread: Thread = { worker, job: undefined };
    worker.on("message", (message: { id: number; key?: Uint8Array; error?: string }) => {
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      thread.job = undefined;
      worker.unref();
      if (message.error !== undefined || !message.key) job.reject(new Error(message.error));
      else job.resolve(Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength));
      this.#dispatch();
    });
    const fail = (error: Error) => {
      const i = this.#threads.indexOf(thread);
      if (i >= 0) this.#threads.splice(i, 1);
      const job = thread.job;
      thread.job = undefined;
      job?.reject(new Error(`the scrypt thread failed: ${error.message}`));
      this.#dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.#threads.includes(thread)) fail(new Error(`exited with code ${code}`));
    });
    this.#threads.push(thread);
    return thread;
  }
}
