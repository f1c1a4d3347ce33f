import type { Logger } from "pino";
import type { Principal } from "../auth/principal.ts";
import type { AuthProvider } from "../auth/provider.ts";
import type { EventsService } from "../events/service.ts";
import type { CompanyInfo } from "../model/ileap-mapping.ts";
import type { Store } from "../store/store.ts";
import type { PageTokens } from "./page-token.ts";
import type { PublicUrlOptions } from "./request-context.ts";
import type { ResponseCache } from "./response-cache.ts";

/** Per-request values set by middleware. */
export interface AppVariables {
  requestId: string;
  /** Public base URL of this request (scheme://host[:port][/prefix]). */
  baseUrl: string;
  /** Set by the authentication middleware on protected routes. */
  principal: Principal;
}

export type AppEnv = { Variables: AppVariables };

/** HTTP-level options (a subset of the configuration). */
export interface HttpOptions extends PublicUrlOptions {
  /** Refuse requests that arrived as plain HTTP. Default false. */
  readonly requireHttps: boolean;
  /**
   * Answer cached reads and token requests on the raw `node:http` listener in front of Hono
   * (`fast-path.ts`; same answers, less work). Only when served by `startHttpServer`. Default true.
   */
  readonly fastPath?: boolean;
  readonly limits: {
    readonly maxBodyBytes: number;
    /** Largest body of an admin API request (`/admin/v1/…`). Default 16 MiB. */
    readonly maxAdminBodyBytes?: number;
    readonly maxUrlBytes: number;
    readonly maxPageSize: number;
    readonly defaultPageSize: number;
    /** Failed `POST /auth/token` authentications per client id and source address and minute; 0 or absent = no limit. */
    readonly tokenRatePerClient?: number;
    /** `POST /auth/token` requests per client address and minute; 0 or absent = no limit. */
    readonly tokenRatePerAddress?: number;
  };
}

/** Everything the HTTP app is built from. */
export interface AppDependencies {
  readonly auth: AuthProvider;
  readonly store: Store;
  readonly logger: Logger;
  readonly pageTokens: PageTokens;
  readonly options: HttpOptions;
  /** Data owner of the footprints the admin API builds from iLEAP-native records. Default: none. */
  readonly company?: CompanyInfo;
  /** PACT events (request answers, outbox). Default: none (events are only recorded). */
  readonly events?: EventsService;
  /** Cache of GET answers (used when the store has `dataVersion`). Default: none (nothing cached). */
  readonly responseCache?: ResponseCache;
}
