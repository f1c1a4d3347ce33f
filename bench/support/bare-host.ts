// Child process of the list benchmark: the baseline, a bare node:http server that answers every
// request with fixed bytes (the host's own response, captured by the parent).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const captured = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as {
  routes: Record<string, { headers: Record<string, string>; body: string }>;
};
const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0] as string;
  const route = captured.routes[path];
  if (!route) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, route.headers).end(route.body);
});
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
