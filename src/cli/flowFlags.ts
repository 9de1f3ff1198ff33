/**
 * The flags the runtime-flow commands (cluster, deploy, probe, env) share: which xirsa.yaml, which target, how
 * to reach its API, how to print, and (for the commands that act as a flow's pod) the projected token.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { ENDPOINT_FROM, type EndpointFrom, resolveTokenFile } from "../agent/index.js";
import { InputError } from "../errors.js";
import { type FlagValues, oneOf, requireFlag } from "./args.js";
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
  values: FlagValues<typeof FLOW_OPTIONS>,
  command: string,
  outputs: readonly [O, ...O[]],
  io: Pick<Io, "env" | "cwd">,
): FlowFlags<O> {
  const configFile = requireConfig(values, io, command);
  const target = requireFlag(values.target, "--target", command);
  const output = oneOf(values.output, outputs, "--output", outputs[0]);
  const endpointFrom = oneOf(values["endpoint-from"], ENDPOINT_FROM, "--endpoint-from", "auto");
  return { configFile, target, output, endpointFrom };
}

/** The projected token file: --token-file, else $AWS_WEB_IDENTITY_TOKEN_FILE, relative to the working directory. */
export function flowTokenFile(values: FlagValues<typeof TOKEN_FILE_OPTION>, io: Io): string {
  const file = resolve(io.cwd, resolveTokenFile(values["token-file"], io.env));
  checkJwtFile(file);
  return file;
}

/**
 * The token file must hold one JWT (a projected service-account token) before anything is sent with it: a
 * wrong file (a kubeconfig, a key) is bad input, exit 2, and its content is never printed.
 */
export function checkJwtFile(file: string): void {
  const bad = (why: string) =>
    new InputError(
      "cli.token-file",
      `token file ${file} ${why}`,
      "pass the pod's projected service-account token (xirsa sandbox token --out FILE on the sandbox)",
    );
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw bad("is not a regular file");
    if (st.size > 64 * 1024) throw bad(`is ${st.size} bytes, too large for a service-account token`);
    text = readFileSync(file, "utf8").trim();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      "cli.token-file",
      `cannot read the web identity token file ${file}: ${code === "ENOENT" ? "no such file" : (code ?? "error")}`,
      "pass the pod's projected service-account token with --token-file",
    );
  }
  try {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text)) throw new Error("shape");
    decodeProtectedHeader(text);
    decodeJwt(text);
  } catch {
    throw bad("does not hold a JWT (three base64url parts: header, claims, signature)");
  }
}
