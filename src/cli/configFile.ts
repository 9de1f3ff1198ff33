/**
 * Which xirsa.yaml a command reads, as kubectl finds its kubeconfig: `--config FILE`, else `$XIRSA_CONFIG`,
 * else `xirsa.yaml` in the working directory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { Io } from "./command.js";

export const CONFIG_DISCOVERY = "--config FILE, else $XIRSA_CONFIG, else ./xirsa.yaml";

export function findConfig(
  values: { config?: string | undefined },
  io: Pick<Io, "env" | "cwd">,
): string | undefined {
  const flag = values.config;
  if (flag !== undefined) return flag;
  if (io.env.XIRSA_CONFIG) return io.env.XIRSA_CONFIG;
  return existsSync(join(io.cwd, "xirsa.yaml")) ? "xirsa.yaml" : undefined;
}

export function requireConfig(
  values: { config?: string | undefined },
  io: Pick<Io, "env" | "cwd">,
  command: string,
): string {
  const file = findConfig(values, io);
  if (file === undefined || file === "") {
    throw new InputError(
      "cli.flags",
      `${command}: --config is required: no xirsa.yaml here and XIRSA_CONFIG is not set`,
      "pass --config FILE, set XIRSA_CONFIG, or run xirsa init to write ./xirsa.yaml",
    );
  }
  return file;
}
