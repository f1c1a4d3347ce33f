import { DEMO_CLIENTS } from "../config/demo-clients.ts";
import { ConfigError, checkHostTrust, loadConfig } from "../config/load.ts";
import { createIleapServer } from "../server.ts";

/** Flags of `ileap serve`. */
export interface ServeFlags {
  readonly demo?: boolean;
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly dataDir?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly pathPrefix?: string;
  readonly publicUrl?: string;
  readonly allowedHosts?: string;
}

/** `ileap serve`: loads the configuration, starts the host, stops gracefully on SIGTERM/SIGINT. */
export async function serveCommand(flags: ServeFlags, env: NodeJS.ProcessEnv): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      env,
      ...(flags.config ? { file: flags.config } : {}),
      overrides: {
        demo: flags.demo ? true : undefined,
        port: flags.port,
        host: flags.host,
        dataDir: flags.dataDir,
        "tls.certFile": flags.tlsCert,
        "tls.keyFile": flags.tlsKey,
        pathPrefix: flags.pathPrefix,
        publicUrl: flags.publicUrl,
        allowedHosts: flags.allowedHosts,
      },
    });
    checkHostTrust(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ileap: configuration error: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const host = await createIleapServer(config);
  const running = await host.listen();
  const base = `${config.publicUrl ?? `${running.url}${config.pathPrefix}`}`;
  host.logger.info(
    {
      url: base,
      store: config.database.url ? "postgresql" : `sqlite in ${config.dataDir}`,
      demo: config.demo,
      tls: Boolean(config.tls),
    },
    "iLEAP host listening",
  );
  if (!config.tls) {
    host.logger.warn(
      config.requireHttps
        ? "serving plain HTTP behind a proxy: requests not forwarded as HTTPS are refused"
        : "INSECURE: serving plain HTTP without TLS. PACT requires HTTPS; set ILEAP_TLS_CERT_FILE/ILEAP_TLS_KEY_FILE or run behind a TLS proxy with ILEAP_REQUIRE_HTTPS",
    );
  }
  if (config.demo && config.auth.provider === "clerk") {
    host.logger.warn(
      "demo mode with Clerk auth: demo data loaded, demo clients are OFF (sign in with Clerk identifiers and passwords)",
    );
  } else if (config.demo) {
    host.logger.info(
      { clients: DEMO_CLIENTS.map((c) => `${c.id} (${c.description})`) },
      "demo mode: demo clients enabled (secrets in the README)",
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.logger.info({ signal }, "shutting down");
    await running.close();
    await host.close();
    host.logger.info("stopped");
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
