import { defineDeliverySuite } from "./delivery-suite.ts";

defineDeliverySuite("PACT events on SQLite", async () => undefined);
