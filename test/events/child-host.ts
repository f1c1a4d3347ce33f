/**
 * Runs our host in a child process for crash tests: `node --import tsx child-host.ts REQUESTER_URL
 * DATA_DIR`; prints the base URL on stdout once listening, then runs until killed.
 */
import { startTestHost } from "./host.ts";

const [requesterUrl, dataDir] = process.argv.slice(2);
if (!requesterUrl || !dataDir) throw new Error("usage: child-host.ts REQUESTER_URL DATA_DIR");
const host = await startTestHost({ requesterUrl, dataDir });
process.stdout.write(`${host.baseUrl}\n`);
