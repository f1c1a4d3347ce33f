// scrypt key derivations in a worker thread of their own (see scrypt-thread.ts): `scryptSync`
// here keeps every 16 MiB work buffer in this one thread's malloc arena, instead of one arena per
// libuv threadpool thread (issue 14). Plain JavaScript so that it loads in a worker thread without
// the TypeScript loader of the main thread.
import { scryptSync } from "node:crypto";
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ id, secret, salt, keyLength, options }) => {
  try {
    const key = scryptSync(secret, salt, keyLength, options);
    parentPort.postMessage({ id, key });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});
