/** Reading organization claims of Clerk tokens (v2 `o.id`/`o.rol`, v1 `org_id`/`org_role`). Pure. */
import type { JWTPayload } from "jose";

/** `org:admin` → `admin`: roles carried by principals use Clerk's v2 short form. */
export function shortRole(role: string): string {
  return role.startsWith("org:") ? role.slice(4) : role;
}

/** The active organization named by a Clerk token: v2 session tokens (`o`), v1 tokens and templates (`org_id`, `org_role`). */
export function organizationFromClaims(payload: JWTPayload): { id?: string; role?: string } {
  const o = payload.o;
  if (o !== null && typeof o === "object" && !Array.isArray(o)) {
    const v2 = o as { id?: unknown; rol?: unknown };
    if (typeof v2.id === "string" && v2.id !== "") {
      return {
        id: v2.id,
        ...(typeof v2.rol === "string" && v2.rol !== "" ? { role: shortRole(v2.rol) } : {}),
      };
    }
  }
  if (typeof payload.org_id === "string" && payload.org_id !== "") {
    const role = payload.org_role;
    return {
      id: payload.org_id,
      ...(typeof role === "string" && role !== "" ? { role: shortRole(role) } : {}),
    };
  }
  return {};
}
