import type { DataKind } from "../auth/principal.ts";

/** A demo client with its plaintext secret (demo mode only; hashed at start-up like any client). */
export interface DemoClient {
  readonly id: string;
  readonly secret: string;
  readonly grants: readonly (DataKind | "*")[];
  /** Roles (`admin`: the admin API, e.g. `ileap import --url` against `npm start`). Default none. */
  readonly roles?: readonly string[];
  readonly description: string;
}

/** The demo clients of `ileap serve --demo` (the credentials of the public iLEAP demo hosts). */
export const DEMO_CLIENTS: readonly DemoClient[] = [
  { id: "hello", secret: "pathfinder", grants: ["*"], description: "sees everything" },
  {
    id: "transport_service_user",
    secret: "ileap",
    grants: ["shipment-footprint", "tad"],
    description: "ShipmentFootprints and TAD",
  },
  {
    id: "transport_service_organizer",
    secret: "ileap",
    grants: ["toc", "hoc", "tad"],
    description: "TOCs, HOCs and TAD",
  },
  {
    id: "demo_admin",
    secret: "ileap-admin",
    grants: ["*"],
    roles: ["admin"],
    description: "everything, and the admin API (imports)",
  },
];
