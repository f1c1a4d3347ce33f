/**
 * A concurrency limit with a fair queue per source (issue 15, finding 3): at most `concurrency`
 * jobs run at once; waiting jobs are grouped by source (the client address) and the next slot goes
 * to the waiting source with the least recent use: every start adds 1 to its source's usage, which
 * halves every `halfLifeMs` (a source never seen, or idle for a while, goes first; equally busy
 * sources take turns). So a flood from a few addresses queues behind itself: a lone request from
 * another address waits for the jobs already running, not for the flood.
 *
 * Bounded: at most `maxQueuedPerSource` waiting jobs per source and `maxQueued` in all; beyond
 * that {@link FairQueue.run} rejects at once with {@link QueueFullError} (the caller answers 503
 * with `Retry-After`). Usage is remembered per source in an `lru-cache` bounded by count.
 */
import type { LRUCache } from "lru-cache";
import { lruByCount } from "./lru.ts";

/** Options of {@link FairQueue}. */
export interface FairQueueOptions {
  /** Jobs running at once (≥ 1); `0` = unbounded (no queue at all). */
  readonly concurrency: number;
  /** Waiting jobs per source, at most. Default 32. */
  readonly maxQueuedPerSource?: number;
  /** Waiting jobs in all, at most. Default 1024. */
  readonly maxQueued?: number;
  /** Sources whose usage is remembered. Default 10,000. */
  readonly maxSources?: number;
  /** Half-life of a source's usage, ms. Default 5000. */
  readonly halfLifeMs?: number;
  /** Clock, ms. Default `performance.now`. */
  readonly now?: () => number;
}

/** The queue is full for this source (or in all): try again shortly. */
export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
}

interface Waiting {
  start(): void;
}

interface Usage {
  value: number;
  at: number;
}

export class FairQueue {
  readonly #concurrency: number;
  readonly #perSource: number;
  readonly #maxQueued: number;
  /** Waiting jobs by source; only sources with waiting jobs are present. */
  readonly #waiting = new Map<string, Waiting[]>();
  /** Decayed number of starts per source. */
  readonly #usage: LRUCache<string, Usage>;
  readonly #halfLifeMs: number;
  readonly #now: () => number;
  #running = 0;
  #queued = 0;

  constructor(options: FairQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 0)
      throw new RangeError("concurrency must be a non-negative integer");
    this.#concurrency = options.concurrency;
    this.#perSource = options.maxQueuedPerSource ?? 32;
    this.#maxQueued = options.maxQueued ?? 1024;
    this.#usage = lruByCount(options.maxSources ?? 10_000);
    this.#halfLifeMs = options.halfLifeMs ?? 5000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Jobs allowed to run at once (0: unbounded). */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting now. */
  get queued(): number {
    return this.#queued;
  }

  /** Runs `job` when a slot is free and it is `source`'s turn. */
  async run<T>(source: string, job: () => Promise<T>): Promise<T> {
    if (this.#concurrency === 0) return job();
    if (this.#running >= this.#concurrency || this.#queued > 0) await this.#wait(source);
    else this.#started(source);
    try {
      return await job();
    } finally {
      this.#running--;
      this.#next();
    }
  }

  /** `source`'s usage decayed to `now`. */
  #usageOf(source: string, now: number): number {
    const u = this.#usage.peek(source);
    return u ? u.value * 2 ** (-(now - u.at) / this.#halfLifeMs) : 0;
  }

  #started(source: string): void {
    this.#running++;
    const now = this.#now();
    this.#usage.set(source, { value: this.#usageOf(source, now) + 1, at: now });
  }

  #wait(source: string): Promise<void> {
    const list = this.#waiting.get(source) ?? [];
    if (list.length >= this.#perSource || this.#queued >= this.#maxQueued) {
      return Promise.reject(new QueueFullError("too many secret checks waiting; retry shortly"));
    }
    return new Promise<void>((resolve) => {
      list.push({ start: resolve });
      this.#waiting.set(source, list);
      this.#queued++;
    });
  }

  /** Starts waiting jobs while slots are free, each time from the least used source. */
  #next(): void {
    while (this.#running < this.#concurrency && this.#queued > 0) {
      let chosen: string | undefined;
      let least = Number.POSITIVE_INFINITY;
      const now = this.#now();
      for (const source of this.#waiting.keys()) {
        const usage = this.#usageOf(source, now);
        if (usage < least) {
          least = usage;
          chosen = source;
        }
      }
      if (chosen === undefined) return;
      const list = this.#waiting.get(chosen) as Waiting[];
      const waiting = list.shift() as Waiting;
      if (list.length === 0) this.#waiting.delete(chosen);
      this.#queued--;
      this.#started(chosen);
      waiting.start();
    }
  }
}
