/**
 * scrypt derivations on dedicated worker threads instead of libuv's threadpool (issue 14). glibc
 * keeps a freed 16 MiB scrypt buffer in the malloc arena of the thread that ran it, so derivations
 * spread over the 4 threadpool threads left up to 4 × 16 MiB resident for good after a few failed
 * logins. Here each derivation runs on one of at most `size` threads (default: the scrypt queue's
 * concurrency, {@link defaultScryptConcurrency}), started on first use, so what stays resident
 * is bounded by that number. Idle threads do not hold the process open, and stop after
 * {@link IDLE_MS} without work (a host that sees a login now and then does not keep a thread
 * and its few MB of V8 heap for it; glibc hands the stopped thread's arena to the next one).
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
  idle: NodeJS.Timeout | undefined;
}

/** How long a thread waits for work before it stops, ms. */
export const IDLE_MS = 30_000;

const WORKER_URL = new URL("./scrypt-worker.js", import.meta.url);

/** A small pool of scrypt threads with a FIFO queue. */
export class ScryptThreads {
  readonly #size: number;
  readonly #threads: Thread[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;

  readonly #idleMs: number;

  /** @param idleMs How long an idle thread lives on. Default {@link IDLE_MS}. */
  constructor(size: number, idleMs = IDLE_MS) {
    this.#size = Math.max(1, Math.floor(size));
    this.#idleMs = idleMs;
  }

  /** Threads running now (for tests). */
  get threads(): number {
    return this.#threads.length;
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
      if (thread.idle) clearTimeout(thread.idle);
      thread.idle = undefined;
      thread.worker.ref();
      thread.worker.postMessage(job.message);
    }
  }

  #spawn(): Thread {
    // Plain JavaScript: no loader flags of the main thread (tsx) to start.
    const worker = new Worker(WORKER_URL, { execArgv: [] });
    const thread: Thread = { worker, job: undefined, idle: undefined };
    worker.on("message", (message: { id: number; key?: Uint8Array; error?: string }) => {
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      thread.job = undefined;
      worker.unref();
      thread.idle = setTimeout(() => this.#stop(thread), this.#idleMs);
      thread.idle.unref();
      if (message.error !== undefined || !message.key) job.reject(new Error(message.error));
      else job.resolve(Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength));
      this.#dispatch();
    });
    const fail = (error: Error) => {
      if (thread.idle) clearTimeout(thread.idle);
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

  /** Stops an idle thread (a job arriving later starts a new one). */
  #stop(thread: Thread): void {
    if (thread.job) return;
    const i = this.#threads.indexOf(thread);
    if (i >= 0) this.#threads.splice(i, 1);
    void thread.worker.terminate();
  }
}
