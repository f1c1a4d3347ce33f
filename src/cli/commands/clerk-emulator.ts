import type { Command } from "commander";
import {
  DEMO_CLERK_ORGANIZATIONS,
  DEMO_CLERK_PASSWORD,
  DEMO_CLERK_USERS,
  startClerkEmulator,
} from "../../testing/clerk-emulator/index.ts";

/** `ileap clerk-emulator`: our Clerk Frontend API emulator, for local trials of `ILEAP_AUTH=clerk`. */
export function registerClerkEmulatorCommand(program: Command): void {
  program
    .command("clerk-emulator")
    .description(
      "run a local Clerk Frontend API emulator (demo users, no network) for trying ILEAP_AUTH=clerk",
    )
    .option("-p, --port <port>", "port (default: a free port)", "0")
    .option("--host <host>", "interface (default 127.0.0.1: loopback only)", "127.0.0.1")
    .option("--no-rate-limit", "turn off the per-IP sign-in rate limit (5 per 10 s)")
    .addHelpText(
      "after",
      "\nExample:\n  $ ileap clerk-emulator --port 4010\n  $ ILEAP_AUTH=clerk ILEAP_CLERK_FRONTEND_API=http://127.0.0.1:4010 ileap serve --demo",
    )
    .action(async (flags: { port: string; host: string; rateLimit: boolean }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(
          `ileap: --port: expected an integer from 0 to 65535, got ${JSON.stringify(flags.port)}\n`,
        );
        process.exitCode = 2;
        return;
      }
      const emulator = await startClerkEmulator({
        port,
        hostname: flags.host,
        ...(flags.rateLimit ? {} : { signInRateLimit: false }),
      });
      const out = process.stdout;
      out.write(`Clerk Frontend API emulator on ${emulator.url}\n`);
      out.write(`  ILEAP_AUTH=clerk ILEAP_CLERK_FRONTEND_API=${emulator.url}\n`);
      out.write(
        `  organizations: ${DEMO_CLERK_ORGANIZATIONS.map((o) => `${o.id} (${o.slug})`).join(", ")}\n`,
      );
      out.write(`  users (password ${JSON.stringify(DEMO_CLERK_PASSWORD)}):\n`);
      for (const u of DEMO_CLERK_USERS) out.write(`    ${u.email}${describe(u)}\n`);
      out.write(`  admin: ${emulator.url}/__emulator/stats, /__emulator/faults, /__emulator/reset\n`);
      const stop = async () => {
        await emulator.close();
        process.exit(0);
      };
      process.once("SIGTERM", () => void stop());
      process.once("SIGINT", () => void stop());
    });
}

function describe(user: (typeof DEMO_CLERK_USERS)[number]): string {
  const notes: string[] = [];
  if (user.mfa) notes.push("MFA on: sign-in needs a second factor");
  if (user.needsClientTrust) notes.push("needs device trust");
  if (user.needsNewPassword) notes.push("must reset password");
  const memberships = (user.memberships ?? []).map((m) => `${m.role} of ${m.organizationId}`);
  return [...memberships, ...notes].length ? ` — ${[...memberships, ...notes].join("; ")}` : "";
}
