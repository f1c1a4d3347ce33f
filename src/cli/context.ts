/**
 * What every command gets: the terminal and the environment (tests run the CLI as a child
 * process; nothing reads `process.env` or writes to `process.stdout` behind the context's back).
 * @module
 */
import type { Terminal } from "./output.ts";

/** Shared state of one CLI run. */
export interface CliContext {
  readonly term: Terminal;
  readonly env: NodeJS.ProcessEnv;
  /** Prints `ileap: warning: …` on stderr. */
  readonly warn: (message: string) => void;
}

/** A context for a terminal and environment. */
export function createContext(term: Terminal, env: NodeJS.ProcessEnv): CliContext {
  return {
    term,
    env,
    warn: (message) => {
      term.stderr.write(`${term.err.yellow("ileap: warning:")} ${message}\n`);
    },
  };
}
