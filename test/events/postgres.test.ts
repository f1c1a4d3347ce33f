import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";
import { defineDeliverySuite } from "./delivery-suite.ts";

let server: PostgresTestServer | undefined;
const skip = postgresSkipReason();

defineDeliverySuite(
  "PACT events on PostgreSQL",
  async () => {
    server = await startPostgres({ database: "ileap_events" });
    return server.connectionString;
  },
  {
    ...(skip ? { skip } : {}),
    teardown: async () => {
      await server?.stop();
    },
  },
);
