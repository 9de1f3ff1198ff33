/**
 * The flags the runtime-flow commands (cluster, deploy, probe, env) share: which xirsa.yaml, which target, how
 * to reach its API, how to print, and (for the commands that act as a flow's pod) the projected token.
 */
import { resolve } from "node:path";
import { resolveTokenFile } from "../agent/session.js";
import { ENDPOINT_FROM, type EndpointFrom } from "../agent/targets.js";
import { type Flags, oneOf, requireFlag } from "./args.js";
import type { Io } from "./command.js";
import { requireConfig } from "./configFile.js";

export const FLOW_OPTIONS = {
  config: { type: "string" },
  target: { type: "string" },
  "endpoint-from": { type: "string" },
  output: { type: "string" },
} as const;

export const TOKEN_FILE_OPTION = { "token-file": { type: "string" } } as const;

export interface FlowFlags<O extends string> {
  configFile: string;
  target: string;
  output: O;
  endpointFrom: EndpointFrom;
}

/** Reads the shared flags in this order (the first bad one is the error); `outputs[0]` is the default output. */
export function flowFlags<O extends string>(
  values: Flags["values"],
  command: string,
  outputs: readonly [O, ...O[]],
  io: Pick<Io, "env" | "cwd">,
): FlowFlags<O> {
  const configFile = requireConfig(values, io, command);
  const target = requireFlag(values.target as string | undefined, "--target", command);
  const output = oneOf(values.output as string | undefined, outputs, "--output", outputs[0]);
  const endpointFrom = oneOf(
    values["endpoint-from"] as string | undefined,
    ENDPOINT_FROM,
    "--endpoint-from",
    "auto",
  );
  return { configFile, target, output, endpointFrom };
}

/** The projected token file: --token-file, else $AWS_WEB_IDENTITY_TOKEN_FILE, relative to the working directory. */
export function flowTokenFile(values: Flags["values"], io: Io): string {
  return resolve(io.cwd, resolveTokenFile(values["token-file"] as string | undefined, io.env));
}
