/** `xirsa sandbox token`: a projected service-account token of a sandbox cluster (stdout, or --out FILE). */
import { resolve } from "node:path";
import { InputError } from "../../../errors.js";
import { mintSandboxToken } from "../../../sandbox/index.js";
import { parseFlags, requireFlag } from "../../args.js";
import type { Io } from "../../command.js";
import { FORCE_OPTION, filesIn, outputFile } from "../../outputs.js";
import { CLUSTER_OPTIONS, clusterFlags, k8sName, wholeNumber } from "./flags.js";

export async function token(argv: string[], io: Io): Promise<0> {
  const { values: v } = parseFlags(
    argv,
    {
      ...CLUSTER_OPTIONS,
      namespace: { type: "string" },
      "service-account": { type: "string" },
      audience: { type: "string" },
      ttl: { type: "string" },
      out: { type: "string" },
      ...FORCE_OPTION,
    },
    "sandbox token",
  );
  const { stateDir, clusterName } = clusterFlags(v, "sandbox token", io);
  const namespace = k8sName(requireFlag(v.namespace, "--namespace", "sandbox token"), "--namespace");
  const serviceAccount = k8sName(
    requireFlag(v["service-account"], "--service-account", "sandbox token"),
    "--service-account",
  );
  const audience = v.audience ?? "sts.amazonaws.com";
  if (audience === "") throw new InputError("cli.flags", "sandbox token: --audience must not be empty");
  const ttlSeconds = wholeNumber(v.ttl, "--ttl", 60, 2 ** 31) ?? 3600;
  const jwt = await mintSandboxToken(stateDir, {
    cluster: clusterName,
    namespace,
    serviceAccount,
    audience,
    ttlSeconds,
  });
  if (v.out) {
    // As a projected volume holds it: the bare token (no newline, which STS would refuse), readable by its owner only.
    const { writeFileAtomic } = await import("../../../fs/atomic.js");
    const file = resolve(io.cwd, v.out);
    const replace = outputFile(file, { force: !!v.force, inputs: filesIn(stateDir) });
    writeFileAtomic(file, jwt, { mode: 0o600, what: v.out, code: "sandbox.token", replace });
    return 0;
  }
  io.stdout.write(`${jwt}\n`);
  return 0;
}
