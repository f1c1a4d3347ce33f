import type { Store } from "../../src/store/store.ts";

/** A store wrapped so that tests can prove which requests reached it. */
export interface CountingStore {
  /** The proxy to hand to `createIleapServer(config, { store })`. */
  readonly store: Store;
  /** Calls per method name since the last {@link reset}. */
  readonly calls: Map<string, number>;
  /** Total calls since the last {@link reset} (`close` not counted). */
  total(): number;
  reset(): void;
}

/** Wraps `inner` in a proxy that counts every method call (and forwards it unchanged). */
export function countingStore(inner: Store): CountingStore {
  const calls = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const name = String(prop);
      return (...args: unknown[]) => {
        if (name !== "close") calls.set(name, (calls.get(name) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    reset: () => calls.clear(),
  };
}
