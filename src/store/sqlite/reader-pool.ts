/**
 * Reader connections of the embedded store in worker threads, so that a slow query does not stall
 * the event loop (every other request waited for it before: issue 15, finding 1). SQLite in WAL
 * mode lets readers run next to the main connection's writes; each worker holds one read-only
 * connection (`reader-worker.js`). Workers start on first use, hold the process open only while
 * they have work, and a query that runs past its time budget is answered with
 * {@link QueryTimeoutError} while its worker is replaced (better-sqlite3 cannot interrupt a
 * statement; the abandoned thread ends when the statement returns). A reader without work for
 * {@link READER_IDLE_MS} stops (a few MB of V8 heap and its page cache: issue 14); the next read
 * starts one again (within {@link STARTUP_ALLOWANCE_MS}, typically tens of ms).
 * @module
 */
import { Worker } from "node:worker_threads";
import type { Sql } from "../sql/queries.ts";
import { QueryTimeoutError } from "../store.ts";

/** Options of {@link SqliteReaderPool}. */
export interface SqliteReaderPoolOptions {
  /** The database file (not `:memory:`: its contents exist only in the main connection). */
  readonly file: string;
  /** Worker threads (connections). */
  readonly size: number;
  /** Time one query may run, ms. */
  readonly timeoutMs: number;
  readonly busyTimeoutMs: number;
  readonly cacheSizeKiB: number;
  /** How long an idle reader lives on, ms. Default {@link READER_IDLE_MS}. */
  readonly idleMs?: number;
}

type Row = Record<string, unknown>;

interface Job {
  readonly id: number;
  readonly sql: Sql;
  readonly timeoutMs: number;
  readonly resolve: (rows: Row[]) => void;
  readonly reject: (error: Error) => void;
}

interface Reader {
  readonly worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Stops the reader once it has been idle for {@link READER_IDLE_MS}. */
  idle: NodeJS.Timeout | undefined;
  /** The thread has opened its connection. */
  online: boolean;
}

/** An error a reader reported (code kept, so the store can map `SQLITE_BUSY` & co. to 503). */
export class ReaderError extends Error {
  override readonly name = "ReaderError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const WORKER_URL = new URL("./reader-worker.js", import.meta.url);

/**
 * Extra time for the first query of a new thread, which loads the module and opens the file first
 * (slow on a busy machine); a thread that is not up by then is replaced like a slow query.
 */
const STARTUP_ALLOWANCE_MS = 10_000;

/** How long a reader thread waits for work before it stops, ms. */
export const READER_IDLE_MS = 30_000;

/** A fixed-size pool of reader threads with a FIFO queue. */
export class SqliteReaderPool {
  readonly #options: SqliteReaderPoolOptions;
  readonly #readers: Reader[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: SqliteReaderPoolOptions) {
    this.#options = { ...options, size: Math.max(1, Math.floor(options.size)) };
  }

  /** Reader threads running now (for tests). */
  get threads(): number {
    return this.#readers.length;
  }

  /** Runs a SELECT on a reader within `timeoutMs` (default: the pool's); resolves with its rows. */
  all(sql: Sql, timeoutMs = this.#options.timeoutMs): Promise<Row[]> {
    if (this.#closed) return Promise.reject(new ReaderError("the store is closed (not open)", undefined));
    return new Promise<Row[]>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, sql, timeoutMs, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every reader (pending queries are rejected). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new ReaderError("the store closed", undefined));
    await Promise.all(this.#readers.splice(0).map((r) => this.#retire(r, "the store closed")));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let reader = this.#readers.find((r) => r.job === undefined);
      if (!reader && this.#readers.length < this.#options.size) reader = this.#spawn();
      if (!reader) return;
      const job = this.#queue.shift() as Job;
      reader.job = job;
      if (reader.idle) clearTimeout(reader.idle);
      reader.idle = undefined;
      reader.worker.ref();
      const arm = (allowanceMs: number) => {
        reader.timer = setTimeout(() => {
          job.reject(
            new QueryTimeoutError(
              `the query ran longer than its time budget of ${job.timeoutMs} ms`,
              job.timeoutMs,
            ),
          );
          reader.job = undefined;
          void this.#retire(reader, "timed out");
          this.#dispatch();
        }, job.timeoutMs + allowanceMs);
      };
      arm(reader.online ? 0 : STARTUP_ALLOWANCE_MS);
      reader.worker.postMessage({ id: job.id, text: job.sql.text, params: job.sql.params });
    }
  }

  #spawn(): Reader {
    const worker = new Worker(WORKER_URL, {
      // Plain JavaScript: no loader flags of the main thread (tsx) to start.
      execArgv: [],
      workerData: {
        file: this.#options.file,
        busyTimeoutMs: this.#options.busyTimeoutMs,
        cacheSizeKiB: this.#options.cacheSizeKiB,
      },
    });
    const reader: Reader = { worker, job: undefined, timer: undefined, idle: undefined, online: false };
    worker.on(
      "message",
      (message: { ready?: true; id: number; rows?: Row[]; error?: { message: string; code?: string } }) => {
        if (message.ready) {
          reader.online = true;
          return;
        }
        const job = reader.job;
        if (!job || job.id !== message.id) return;
        this.#settle(reader);
        if (message.error) job.reject(new ReaderError(message.error.message, message.error.code));
        else job.resolve(message.rows ?? []);
        this.#dispatch();
      },
    );
    const fail = (error: Error) => {
      const job = reader.job;
      this.#settle(reader);
      if (reader.idle) clearTimeout(reader.idle);
      const i = this.#readers.indexOf(reader);
      if (i >= 0) this.#readers.splice(i, 1);
      job?.reject(new ReaderError(`the reader thread failed: ${error.message}`, "SQLITE_CANTOPEN"));
      this.#dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.#readers.includes(reader)) fail(new Error(`exited with code ${code}`));
    });
    this.#readers.push(reader);
    return reader;
  }

  /** The reader is idle again: no timer, and it no longer holds the process open. */
  #settle(reader: Reader): void {
    if (reader.timer) clearTimeout(reader.timer);
    reader.timer = undefined;
    reader.job = undefined;
    reader.worker.unref();
    if (reader.idle) clearTimeout(reader.idle);
    reader.idle = setTimeout(() => {
      if (!reader.job) void this.#retire(reader, "idle");
    }, this.#options.idleMs ?? READER_IDLE_MS);
    reader.idle.unref();
  }

  async #retire(reader: Reader, why: string): Promise<void> {
    const i = this.#readers.indexOf(reader);
    if (i >= 0) this.#readers.splice(i, 1);
    if (reader.timer) clearTimeout(reader.timer);
    if (reader.idle) clearTimeout(reader.idle);
    reader.job?.reject(new ReaderError(`the reader stopped (${why})`, undefined));
    reader.job = undefined;
    reader.worker.unref();
    await reader.worker.terminate();
  }
}
