/**
 * ileap-ts: an iLEAP host (PACT Data Exchange Protocol v2 + iLEAP v1.0). The client SDK is
 * `ileap-ts/client`.
 *
 * Implement two interfaces and you are done: {@link Store} (your data) and, if the built-in issuer
 * or the Clerk adapter do not fit, {@link AuthProvider} (your identity provider); then
 * `createIleapServer(loadConfig({ env: process.env }), { store, auth })`.
 */
export { createClerkAuthProvider } from "./auth/clerk/clerk-provider.ts";
export { loadClerkConfig } from "./auth/clerk/config.ts";
export { LocalIssuer } from "./auth/local/issuer.ts";
export { loadKeyRing, rotateKeyRing } from "./auth/local/keyring.ts";
export type { DataKind, FootprintKind, Principal } from "./auth/principal.ts";
export type * from "./auth/provider.ts";
export { hashSecret, isMintedSecret, mintSecret, verifySecret } from "./auth/secret-hash.ts";
export { ConfigError, loadConfig } from "./config/load.ts";
export type { ClientConfig, IleapConfig } from "./config/types.ts";
export { createApp } from "./http/app.ts";
export { startHttpServer } from "./http/server.ts";
export type * from "./protocol/filter-ast.ts";
export { createIleapServer, type IleapServer, type ServerOverrides } from "./server.ts";
export { PostgresStore } from "./store/postgres/postgres-store.ts";
export { SqliteStore } from "./store/sqlite/sqlite-store.ts";
export * from "./store/store.ts";
