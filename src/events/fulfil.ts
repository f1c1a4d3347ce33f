/**
 * Resolving a `ProductFootprintRequest.Created.v1` fragment against the footprints the requester
 * may see (PROTOCOL.md §6).
 * @module
 */
import { DATA_KINDS, type DataKind, type Principal } from "../auth/principal.ts";
import type { FootprintFilter } from "../protocol/filter-ast.ts";
import { parseV3CriteriaObject } from "../protocol/v3-filter.ts";
import type { Store } from "../store/store.ts";
import type { PendingRequest } from "./outbox.ts";

/** Most footprints put into one `Fulfilled` event. */
export const MAX_FULFILLED_FOOTPRINTS = 1000;

/** The answer to a request: the matching footprints, or a PACT error. */
export type RequestOutcome =
  | { readonly kind: "fulfilled"; readonly pfs: readonly Record<string, unknown>[] }
  | { readonly kind: "rejected"; readonly error: { readonly code: string; readonly message: string } };

/** Rebuilds the requester's principal as stored with the request. */
export function principalOf(request: PendingRequest): Principal {
  const p = request.principal;
  return {
    subject: p.subject,
    clientId: p.clientId,
    roles: p.roles,
    grants: new Set(p.grants.filter((g): g is DataKind => (DATA_KINDS as readonly string[]).includes(g))),
    ...(p.organizationId === undefined ? {} : { organizationId: p.organizationId }),
  };
}

/** The stored form of a principal (see {@link PendingRequest}). */
export function storedPrincipal(p: Principal): PendingRequest["principal"] {
  return {
    subject: p.subject,
    clientId: p.clientId,
    roles: [...p.roles],
    grants: [...p.grants],
    ...(p.organizationId === undefined ? {} : { organizationId: p.organizationId }),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Whether a footprint matches a fragment: every fragment property must match — objects
 * recursively, arrays when they share at least one element (`productIds: ["a", "b"]` asks for
 * footprints of product a or b), anything else by equality (JSON text).
 */
export function matchesFragment(doc: unknown, fragment: unknown): boolean {
  if (isObject(fragment)) {
    if (!isObject(doc)) return false;
    return Object.entries(fragment).every(([k, v]) => matchesFragment(doc[k], v));
  }
  if (Array.isArray(fragment)) {
    if (!Array.isArray(doc)) return false;
    if (fragment.length === 0) return doc.length === 0;
    return fragment.some((f) => doc.some((d) => matchesFragment(d, f)));
  }
  return JSON.stringify(doc) === JSON.stringify(fragment);
}

async function collect(
  store: Store,
  principal: Principal,
  filter: FootprintFilter | null,
  out: Map<string, string>,
) {
  let after: string | undefined;
  do {
    const page = await store.listFootprints({
      principal,
      filter,
      limit: 500,
      ...(after === undefined ? {} : { after }),
    });
    for (const text of page.items) {
      const id = (JSON.parse(text) as { id?: string }).id ?? text;
      out.set(id, text);
    }
    after = page.next;
  } while (after !== undefined && out.size < 10 * MAX_FULFILLED_FOOTPRINTS);
}

/**
 * Resolves a request's `data.pf` fragment against the footprints the requester may see.
 * Candidates are narrowed in the store by `id`, `productIds` or `companyIds` (else every visible
 * footprint), then every property of the fragment must match ({@link matchesFragment}). Nothing
 * visible matches → `Rejected` with `NoSuchFootprint` (hidden footprints are never revealed).
 * At most {@link MAX_FULFILLED_FOOTPRINTS} footprints are returned.
 */
export async function resolveRequest(store: Store, request: PendingRequest): Promise<RequestOutcome> {
  if (request.pact === "3") return resolveRequestV3(store, request);
  const principal = principalOf(request);
  const pf = request.event.data.pf ?? {};
  const candidates = new Map<string, string>();
  if (typeof pf.id === "string") {
    const text = await store.getFootprint(pf.id, principal);
    if (text !== undefined) candidates.set(pf.id, text);
  } else {
    const narrowing = (["productIds", "companyIds"] as const).find(
      (p) =>
        Array.isArray(pf[p]) &&
        (pf[p] as unknown[]).length > 0 &&
        (pf[p] as unknown[]).every((v) => typeof v === "string"),
    );
    if (narrowing) {
      for (const value of pf[narrowing] as string[]) {
        await collect(store, principal, { kind: "any", property: narrowing, value }, candidates);
      }
    } else {
      await collect(store, principal, null, candidates);
    }
  }
  const pfs: Record<string, unknown>[] = [];
  for (const text of candidates.values()) {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (matchesFragment(doc, pf)) pfs.push(doc);
    if (pfs.length >= MAX_FULFILLED_FOOTPRINTS) break;
  }
  if (pfs.length === 0) {
    return {
      kind: "rejected",
      error: { code: "NoSuchFootprint", message: "No footprint matching the request was found" },
    };
  }
  return { kind: "fulfilled", pfs };
}

/**
 * Resolves a v3 `RequestCreatedEvent.3` (its `data` is the ListFootprints criteria, PACT 3.0
 * "the same filters used by the RequestCreatedEvent") against the v3 renderings the requester may
 * see. Nothing matches → `Rejected` with `NotFound` (PACT 3.0: "If there are no product footprints
 * to return, the data owner MUST send a RequestRejectedEvent instead"); criteria that do not parse
 * → `Rejected` with `BadRequest`. At most {@link MAX_FULFILLED_FOOTPRINTS} footprints.
 */
export async function resolveRequestV3(store: Store, request: PendingRequest): Promise<RequestOutcome> {
  const criteria = parseV3CriteriaObject(request.event.data);
  if (!criteria.ok)
    return { kind: "rejected", error: { code: "BadRequest", message: criteria.error.message } };
  const list = store.listFootprintsV3?.bind(store);
  if (!list) {
    return {
      kind: "rejected",
      error: { code: "NotImplemented", message: "This host's store does not serve PACT v3 footprints" },
    };
  }
  const principal = principalOf(request);
  const pfs: Record<string, unknown>[] = [];
  let after: string | undefined;
  do {
    const page = await list({
      principal,
      criteria: criteria.value,
      limit: Math.min(500, MAX_FULFILLED_FOOTPRINTS - pfs.length),
      ...(after === undefined ? {} : { after }),
    });
    for (const text of page.items) pfs.push(JSON.parse(text) as Record<string, unknown>);
    after = page.next;
  } while (after !== undefined && pfs.length < MAX_FULFILLED_FOOTPRINTS);
  if (pfs.length === 0) {
    return {
      kind: "rejected",
      error: { code: "NotFound", message: "No footprint matching the request was found" },
    };
  }
  return { kind: "fulfilled", pfs };
}
