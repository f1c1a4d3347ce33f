import type { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import type { IleapConfig } from "./config/types.ts";

/** Whether logs go out human-readable: `pretty`, or `auto` with a terminal on stdout. */
export function prettyLogs(format: IleapConfig["logFormat"], stdoutIsTty: boolean): boolean {
  return format === "pretty" || (format === "auto" && stdoutIsTty);
}

/**
 * The host's logger: pino JSON lines on stdout (written asynchronously), or — on a terminal, or with `ILEAP_LOG_FORMAT=pretty`
 * — the same records made readable by pino-pretty in this thread (no worker; colours only on a
 * terminal). pino-pretty is loaded only when used.
 */
export async function createLogger(
  config: Pick<IleapConfig, "logLevel" | "logFormat">,
  destination: Writable & { isTTY?: boolean } = process.stdout,
): Promise<Logger> {
  const options = { level: config.logLevel, base: { service: "ileap-ts" } };
  const tty = destination.isTTY === true;
  if (!prettyLogs(config.logFormat, tty)) {
    // stdout: asynchronous writes (sonic-boom buffers while a write is in flight, so a request does
    // not wait for its log line; pino flushes what is left when the process exits).
    return destination === process.stdout
      ? pino(options, pino.destination({ dest: 1, sync: false }))
      : pino(options, destination);
  }
  const { default: pretty } = await import("pino-pretty");
  return pino(
    options,
    pretty({
      destination,
      colorize: tty,
      sync: true,
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname,service",
      singleLine: true,
    }),
  );
}
