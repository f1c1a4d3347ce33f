/**
 * The query budget of the HTTP API's reads (`getFootprint`, `listFootprints`, `listTad`): at most
 * `concurrency` run at once, at most `perClient` of them for one client, and each must finish
 * within `timeoutMs` of being asked for (queueing included). A free slot goes to the waiting client
 * that least recently started a query, so a client that sends many slow queries queues behind itself, not in front of
 * the others (issue 15, finding 1). Works on any {@link Store}; writes are not budgeted.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import {
  type ListFootprintsQuery,
  type ListTadQuery,
  type Page,
  QueryTimeoutError,
  type Store,
} from "./store.ts";

/** Options of {@link FairScheduler} and {@link withQueryBudget}. */
export interface QueryBudgetOptions {
  /** Queries running at once (e.g. the SQLite readers, the PostgreSQL pool). */
  readonly concurrency: number;
  /** Queries of one client running at once. */
  readonly perClient: number;
  /** Time from asking to answer, ms (queueing included). */
  readonly timeoutMs: number;
  /** Queries of one client waiting at once; more are refused at once. Default 64. */
  readonly maxQueuedPerClient?: number;
}

interface Waiting {
  readonly start: () => void;
  readonly timer: NodeJS.Timeout;
}

/** Runs tasks with a global and a per-client concurrency limit, serving clients round-robin. */
export class FairScheduler {
  readonly #options: Required<QueryBudgetOptions>;
  /** Waiting tasks per client; a client is in the map while it has waiting tasks. */
  readonly #queues = new Map<string, Waiting[]>();
  readonly #running = new Map<string, number>();
  /** When each client last started a task (a counter): the least recently served goes first. */
  readonly #lastStart = new Map<string, number>();
  #starts = 0;
  #total = 0;

  constructor(options: QueryBudgetOptions) {
    this.#options = {
      concurrency: Math.max(1, Math.floor(options.concurrency)),
      perClient: Math.max(1, Math.floor(options.perClient)),
      timeoutMs: options.timeoutMs,
      maxQueuedPerClient: options.maxQueuedPerClient ?? 64,
    };
  }

  /** Queries running and waiting (for `/ready` details and tests). */
  get stats(): { running: number; waiting: number } {
    let waiting = 0;
    for (const q of this.#queues.values()) waiting += q.length;
    return { running: this.#total, waiting };
  }

  /**
   * Runs `task` for `client` within the budget.
   * @throws {QueryTimeoutError} when the budget runs out (waiting or running) or the client's
   *   queue is full. A task that overruns keeps its slot until it settles.
   */
  run<T>(client: string, task: () => Promise<T>): Promise<T> {
    const { timeoutMs } = this.#options;
    return new Promise<T>((resolve, reject) => {
      const startedAt = Date.now();
      const start = () => {
        this.#total++;
        this.#lastStart.set(client, ++this.#starts);
        this.#running.set(client, (this.#running.get(client) ?? 0) + 1);
        const remaining = Math.max(1, timeoutMs - (Date.now() - startedAt));
        const timer = setTimeout(
          () =>
            reject(
              new QueryTimeoutError(`the query ran out of its time budget of ${timeoutMs} ms`, timeoutMs),
            ),
          remaining,
        );
        let work: Promise<T>;
        try {
          work = task();
        } catch (e) {
          work = Promise.reject(e);
        }
        work.then(resolve, reject).finally(() => {
          clearTimeout(timer);
          this.#total--;
          const n = (this.#running.get(client) ?? 1) - 1;
          if (n === 0) this.#running.delete(client);
          else this.#running.set(client, n);
          if (n === 0 && !this.#queues.has(client)) this.#lastStart.delete(client);
          this.#dispatch();
        });
      };
      if (this.#queues.size === 0 && this.#canStart(client)) {
        start();
        return;
      }
      const queue = this.#queues.get(client) ?? [];
      if (queue.length >= this.#options.maxQueuedPerClient) {
        reject(
          new QueryTimeoutError(
            `this client has ${queue.length} queries waiting already; retry when earlier ones are answered`,
            0,
          ),
        );
        return;
      }
      const waiting: Waiting = {
        start,
        timer: setTimeout(() => {
          const q = this.#queues.get(client);
          const i = q?.indexOf(waiting) ?? -1;
          if (q && i >= 0) {
            q.splice(i, 1);
            if (q.length === 0) this.#queues.delete(client);
          }
          reject(
            new QueryTimeoutError(
              `the query waited longer than its time budget of ${timeoutMs} ms for a free connection`,
              timeoutMs,
            ),
          );
        }, timeoutMs),
      };
      queue.push(waiting);
      this.#queues.set(client, queue);
      this.#dispatch();
    });
  }

  #canStart(client: string): boolean {
    return (
      this.#total < this.#options.concurrency && (this.#running.get(client) ?? 0) < this.#options.perClient
    );
  }

  /** Starts waiting tasks while there is room: each time for the least recently served client. */
  #dispatch(): void {
    while (this.#total < this.#options.concurrency) {
      let next: string | undefined;
      for (const client of this.#queues.keys()) {
        if (!this.#canStart(client)) continue;
        if (next === undefined || (this.#lastStart.get(client) ?? 0) < (this.#lastStart.get(next) ?? 0))
          next = client;
      }
      if (next === undefined) return;
      const queue = this.#queues.get(next) as Waiting[];
      const waiting = queue.shift() as Waiting;
      if (queue.length === 0) this.#queues.delete(next);
      clearTimeout(waiting.timer);
      waiting.start();
    }
  }
}

/** The key a principal's queries are budgeted under. */
function clientKey(principal: Principal): string {
  return `${principal.clientId}\u0000${principal.organizationId ?? ""}`;
}

/**
 * The store with its HTTP reads budgeted by a {@link FairScheduler}; every other method (writes,
 * `dataVersion`, `ping`, store-specific ones such as `analyze`) is the store's own.
 */
export function withQueryBudget<S extends Store>(store: S, options: QueryBudgetOptions): S {
  const scheduler = new FairScheduler(options);
  const reads: Partial<Store> = {
    getFootprint: (id: string, principal: Principal) =>
      scheduler.run(clientKey(principal), () => store.getFootprint(id, principal)),
    listFootprints: (query: ListFootprintsQuery): Promise<Page> =>
      scheduler.run(clientKey(query.principal), () => store.listFootprints(query)),
    listTad: (query: ListTadQuery): Promise<Page> =>
      scheduler.run(clientKey(query.principal), () => store.listTad(query)),
  };
  return new Proxy(store, {
    get(target, property) {
      if (typeof property === "string" && property in reads) return reads[property as keyof Store];
      const value: unknown = Reflect.get(target, property, target);
      // Methods of class stores use private fields: call them on the store itself.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
