/** The flags the `sandbox` subcommands share, and their value checks (bad input: exit 2, naming the flag). */
import { resolve } from "node:path";
import { InputError } from "../../../errors.js";
import { type FlagValues, requireFlag } from "../../args.js";
import type { Io } from "../../command.js";

export const STATE_DIR_OPTION = { "state-dir": { type: "string" } } as const;

export function rate(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InputError(
      "cli.flags",
      `sandbox: ${flag} must be a probability between 0 and 1, not '${value}'`,
    );
  }
  return n;
}

export function wholeNumber(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(
      "cli.flags",
      `sandbox: ${flag} must be a whole number from ${min} to ${max}, not '${value}'`,
    );
  }
  return n;
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function k8sName(value: string, flag: string): string {
  if (value.length > 63 || !K8S_NAME.test(value)) {
    throw new InputError(
      "cli.flags",
      `sandbox token: ${flag} '${value}' is not a Kubernetes name`,
      "use lower-case letters, digits and '-'",
    );
  }
  return value;
}

/** --state-dir, which every subcommand needs, relative to the working directory. */
export function stateDirFlag(values: FlagValues<typeof STATE_DIR_OPTION>, command: string, io: Io): string {
  return resolve(io.cwd, requireFlag(values["state-dir"], "--state-dir", command));
}

/** token and kubeconfig act on one cluster of a sandbox: --state-dir and --cluster, besides their own flags. */
export const CLUSTER_OPTIONS = { ...STATE_DIR_OPTION, cluster: { type: "string" } } as const;

export function clusterFlags(
  values: FlagValues<typeof CLUSTER_OPTIONS>,
  command: string,
  io: Io,
): { stateDir: string; clusterName: string } {
  return {
    stateDir: stateDirFlag(values, command, io),
    clusterName: requireFlag(values.cluster, "--cluster", command),
  };
}
