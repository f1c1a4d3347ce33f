// Consumer check (b): a strict TypeScript project (NodeNext, no skipLibCheck) using both entries.
import {
  createIleapServer,
  type IleapConfig,
  type ListFootprintsQuery,
  loadConfig,
  SqliteStore,
  type Store,
} from "ileap-ts";
import {
  footprintFilter as f,
  IleapApiError,
  type IleapClient,
  type ProductFootprint,
  type TAD,
} from "ileap-ts/client";

export async function firstRailTad(client: IleapClient): Promise<TAD | undefined> {
  for await (const tad of client.listTad({ filters: { mode: "Rail" }, limit: 10 })) return tad;
  return undefined;
}

export async function recent(client: IleapClient): Promise<ProductFootprint[]> {
  const out: ProductFootprint[] = [];
  try {
    for await (const pf of client.listFootprints({ filter: f.updated.gt("2025-01-01T00:00:00Z") }))
      out.push(pf);
  } catch (err) {
    if (err instanceof IleapApiError) console.error(err.status, err.code);
    throw err;
  }
  return out;
}

export async function host(dataDir: string): Promise<() => Promise<void>> {
  const config: IleapConfig = loadConfig({ env: { ILEAP_DATA_DIR: dataDir, PORT: "0" } });
  const store: Store = new SqliteStore({ file: ":memory:" });
  const query: ListFootprintsQuery | undefined = undefined;
  void query;
  const server = await createIleapServer(config, { store });
  const running = await server.listen();
  void running;
  return async () => server.close();
}
