// One reader of the embedded store, in a worker thread (see reader-pool.ts): a read-only
// connection to the SQLite file (WAL: it reads concurrently with the main connection's writes)
// that runs the SELECTs it is sent. Plain JavaScript so that it loads in a worker thread without
// the TypeScript loader of the main thread.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);
db.pragma(`cache_size = -${workerData.cacheSizeKiB}`);
db.pragma("query_only = ON");
const statements = new Map();
// Start-up (loading the module, opening the file) does not count against a query's budget.
parentPort.postMessage({ ready: true });

parentPort.on("message", (message) => {
  const { id, text, params } = message;
  try {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      if (!statement.reader) throw new Error("only statements that return rows are run by a reader");
      if (statements.size >= 500) statements.clear();
      statements.set(text, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...params) });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e?.message ?? e), code: e?.code } });
  }
});
