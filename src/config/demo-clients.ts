import type { DataKind } from "../auth/principal.ts";

/** A demo client with its plaintext secret (demo mode only). */
export interface DemoClient {
  readonly id: string;
  readonly secret: string;
  /**
   * `secret` hashed ahead of time (`ileap hash-secret`, default cost), so that a demo host does not
   * run four scrypt derivations at every start (CPU, and memory the allocator keeps: issue 14).
   * The secrets are public; `test/auth/secret-hash.test.ts` checks that each hash matches.
   */
  readonly secretHash: string;
  readonly grants: readonly (DataKind | "*")[];
  /** Roles (`admin`: the admin API, e.g. `ileap import --url` against `npm start`). Default none. */
  readonly roles?: readonly string[];
  readonly description: string;
}

/** The demo clients of `ileap serve --demo` (the credentials of the public iLEAP demo hosts). */
export const DEMO_CLIENTS: readonly DemoClient[] = [
  {
    id: "hello",
    secret: "pathfinder",
    secretHash: "scrypt$16384$8$1$QZz2r1iXm2393NK-Bd9Vfw$WY_2X_wfHfhHj8mcjbg3ICSDByd3Y1qx9N4kuhqT3SM",
    grants: ["*"],
    description: "sees everything",
  },
  {
    id: "transport_service_user",
    secret: "ileap",
    secretHash: "scrypt$16384$8$1$Zx76FxHhg0_D9nxr6AJT4w$v4rj8yemUtLZJ4zb-8f6h0L5KJWv42NKMdS0J_NpxDY",
    grants: ["shipment-footprint", "tad"],
    description: "ShipmentFootprints and TAD",
  },
  {
    id: "transport_service_organizer",
    secret: "ileap",
    secretHash: "scrypt$16384$8$1$YrDXP4CTSqykL1Mih4uANw$03lz09ntAVG4Q040cDLtfaSIxj0Of821bTVPpL0HVF4",
    grants: ["toc", "hoc", "tad"],
    description: "TOCs, HOCs and TAD",
  },
  {
    id: "demo_admin",
    secret: "ileap-admin",
    secretHash: "scrypt$16384$8$1$RuPfCdAsQPomH69XL_dWtg$584Sroo1CaCdmeTFIlq6MHIimgthZxazKezjYJ315p0",
    grants: ["*"],
    roles: ["admin"],
    description: "everything, and the admin API (imports)",
  },
];
