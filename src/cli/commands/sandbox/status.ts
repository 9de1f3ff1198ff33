/** `xirsa sandbox status`: endpoints, accounts, profiles and clusters; exit 1 when it is not running. */
import { status } from "../../../sandbox/index.js";
import { oneOf, parseFlags } from "../../args.js";
import type { Io } from "../../command.js";
import { STATE_DIR_OPTION, stateDirFlag } from "./flags.js";

export async function statusCmd(argv: string[], io: Io): Promise<0 | 1> {
  const { values } = parseFlags(argv, { ...STATE_DIR_OPTION, output: { type: "string" } }, "sandbox status");
  const stateDir = stateDirFlag(values, "sandbox status", io);
  const output = oneOf(values.output, ["text", "json"] as const, "--output", "text");
  const s = status(stateDir);
  if (output === "json") io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else {
    io.stdout.write(`sandbox ${stateDir}: ${s.running ? `running (pid ${s.pid})` : "stopped"}\n`);
    if (s.awsUrl) io.stdout.write(`  AWS endpoint ${s.awsUrl}, OIDC issuers ${s.oidcUrl}\n`);
    for (const a of s.accounts) io.stdout.write(`  account ${a.accountId}: profile ${a.profile}\n`);
    for (const c of s.clusters) {
      io.stdout.write(
        `  cluster ${c.name} (${c.accountId} ${c.region}): ${c.endpoint ?? "no endpoint yet"}, issuer ${c.issuer}\n`,
      );
    }
    if (s.knobs?.latencyMs) io.stdout.write(`  latency: ${s.knobs.latencyMs} ms per AWS request (±50%)\n`);
    if (s.knobs && (s.knobs.propagationDelayMs || s.knobs.throttleRate || s.knobs.errorRate)) {
      io.stdout.write(
        `  knobs: propagation delay ${s.knobs.propagationDelayMs} ms, throttle rate ${s.knobs.throttleRate}, error rate ${s.knobs.errorRate}\n`,
      );
    }
  }
  return s.running ? 0 : 1;
}
