/** Kinds of data a principal may be granted. `pcf` = plain PACT footprints (no iLEAP extension). */
export const DATA_KINDS = ["pcf", "shipment-footprint", "toc", "hoc", "tad"] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Footprint kinds (every {@link DataKind} except `tad`). */
export type FootprintKind = Exclude<DataKind, "tad">;

/** The verified caller of a protected endpoint. */
export interface Principal {
  /** Token subject: the client id (built-in issuer) or the identity provider's user id. */
  readonly subject: string;
  /** Client id that obtained the token. */
  readonly clientId: string;
  /** Organization the caller acts for, when the identity provider has one. */
  readonly organizationId?: string;
  /** Role within the organization or the host (e.g. `admin`). */
  readonly roles: readonly string[];
  /** Data kinds this principal may read. */
  readonly grants: ReadonlySet<DataKind>;
}
