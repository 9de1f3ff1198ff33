/**
 * `xirsa init`: collect the values (flags, then discovery, then prompts on a terminal), validate them with the
 * config schema, write the commented xirsa.yaml. The EKS client factory is passed in.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseConfigText } from "../config/index.js";
import { type ExitCode, InputError, OperationError } from "../errors.js";
import { type Chooser, type DiscoveredCluster, discoverCluster, type EksPort } from "./discover.js";
import { type Field, type FieldKey, fieldOf, type InitValues } from "./fields.js";
import { askMissing, type Prompter, streamPrompter } from "./prompt.js";
import { renderInitYaml } from "./template.js";
import { checkValue, checkValues, missingRequired, validateValues } from "./values.js";
import { existsError, writeNewFile } from "./write.js";

export interface InitDeps {
  /** An EKS client for a profile (and region, when given; else the profile's). */
  eks(profile: string, region?: string): EksPort | Promise<EksPort>;
}

function menuChooser(prompter: Prompter): Chooser {
  return async (names, side) => {
    prompter.say(`EKS clusters for the ${side}:`);
    for (const [i, n] of names.entries()) prompter.say(`  ${i + 1}) ${n}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const a = (
        await prompter.ask(`${side[0]!.toUpperCase()}${side.slice(1)} cluster [1-${names.length}]: `)
      ).trim();
      const pick = names.includes(a) ? a : names[Number(a) - 1];
      if (pick) return pick;
      prompter.say(`  answer a number from 1 to ${names.length}`);
    }
    return undefined;
  };
}

/** An optional value asked once more on a bad answer (at most 5 times); empty for none. */
async function askOptional(prompter: Prompter, field: Field, question: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const a = (await prompter.ask(`${question}: `)).trim();
    if (!a) return undefined;
    const msg = checkValue(field, a);
    if (!msg) return a;
    prompter.say(`  ${msg}`);
  }
  throw new InputError("init.prompt", `no valid value for ${field.flag} after 5 tries`, `pass ${field.flag}`);
}

function fill(values: InitValues, pairs: [FieldKey, string | undefined][]): void {
  for (const [k, v] of pairs) if (values[k] === undefined && v !== undefined) values[k] = v;
}

async function discover(
  values: InitValues,
  deps: InitDeps,
  choose: Chooser,
  io: InitIo,
): Promise<Partial<Record<FieldKey, string>>> {
  const defaults: Partial<Record<FieldKey, string>> = {};
  if (!values.sourceProfile && !values.targetProfile) {
    throw new InputError(
      "init.discover",
      "--discover needs --source-profile and/or --target-profile",
      "name the AWS profiles of the accounts to read",
    );
  }
  const report = (side: string, d: DiscoveredCluster, profile: string) =>
    io.stderr.write(
      `init: ${side} cluster ${d.name} in account ${d.accountId} ${d.region} (profile ${profile})\n`,
    );
  if (values.sourceProfile) {
    const eks = await deps.eks(values.sourceProfile, values.sourceRegion);
    const d = await discoverCluster(eks, {
      profile: values.sourceProfile,
      cluster: values.sourceCluster,
      side: "source",
      flag: "--source-cluster",
      choose,
    });
    report("source", d, values.sourceProfile);
    fill(values, [
      ["sourceCluster", d.name],
      ["sourceAccount", d.accountId],
      ["sourceRegion", d.region],
      ["issuer", d.issuer],
    ]);
  }
  if (values.targetProfile) {
    const eks = await deps.eks(values.targetProfile, values.targetRegion);
    const d = await discoverCluster(eks, {
      profile: values.targetProfile,
      cluster: values.targetCluster,
      side: "target",
      flag: "--target-cluster",
      choose,
    });
    report("target", d, values.targetProfile);
    fill(values, [
      ["targetCluster", d.name],
      ["targetAccount", d.accountId],
      ["targetRegion", d.region],
      ["endpoint", d.endpoint],
      ["caData", d.caData],
    ]);
    // The cluster name makes a good target name when it is a valid one.
    const name = d.name.toLowerCase();
    if (!checkValue(fieldOf("targetName"), name)) defaults.targetName = name;
  }
  return defaults;
}

/** What `xirsa init` was asked for (cli/commands/init.ts reads it from the flags). */
export interface InitRequest {
  values: InitValues;
  /** --discover: read the clusters from AWS with the profiles given. */
  discover: boolean;
  /** The file to write, as given (relative to `io.cwd`). */
  out: string;
  force: boolean;
}

/** The streams init talks to: it asks on stdin/stderr when stdin is a terminal. */
export interface InitIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
}

export async function runInit(request: InitRequest, io: InitIo, deps: InitDeps): Promise<ExitCode> {
  const { out: outArg, force } = request;
  const out = resolve(io.cwd, outArg);
  // Refuse before asking anything.
  if (existsSync(out)) {
    if (statSync(out).isDirectory())
      throw new InputError("init.out", `${outArg} is a directory`, "pass a file name with --out");
    if (!force) throw existsError(outArg);
  }
  if (!existsSync(dirname(out))) {
    throw new InputError(
      "init.out",
      `cannot write ${outArg}: its directory does not exist`,
      "create it or pass another --out",
    );
  }
  let values: InitValues = { ...request.values };
  checkValues(values);

  const tty = io.stdin.isTTY === true;
  const prompter = tty ? streamPrompter(io.stdin, io.stderr) : undefined;
  try {
    let defaults: Partial<Record<FieldKey, string>> = {};
    const skip = new Set<FieldKey>();
    let discovering = request.discover;
    if (prompter && !discovering && !values.sourceProfile && !values.targetProfile) {
      // On a terminal, offer to read the clusters from AWS instead of typing their values.
      prompter.say(
        "init can read the clusters from EKS with your AWS profiles (empty: type the values instead).",
      );
      for (const [key, side] of [
        ["sourceProfile", "source (account A)"],
        ["targetProfile", "target (account B)"],
      ] as const) {
        const answer = await askOptional(prompter, fieldOf(key), `AWS profile for the ${side} to read`);
        if (answer) values[key] = answer;
        else skip.add(key);
      }
      discovering = values.sourceProfile !== undefined || values.targetProfile !== undefined;
    }
    if (discovering) {
      const choose: Chooser = prompter ? menuChooser(prompter) : async () => undefined;
      defaults = await discover(values, deps, choose, io);
      checkValues(values);
    }
    if (prompter) {
      values = await askMissing(values, prompter, defaults, skip);
    } else {
      fill(values, [["targetName", defaults.targetName]]);
      const missing = missingRequired(values);
      if (missing.length) {
        throw new InputError(
          "init.missing",
          `missing ${missing.map((f) => f.flag).join(", ")}`,
          "pass them as flags, or run xirsa init on a terminal to be asked",
        );
      }
    }
  } finally {
    prompter?.close();
  }

  const config = validateValues(values);
  const text = renderInitYaml(config);
  // The file must say exactly what was validated: a template bug must not reach the user.
  if (!isDeepStrictEqual(parseConfigText(text, outArg), config)) {
    throw new OperationError(
      "init.template",
      "the written config would not load back as given",
      "report this as a bug",
    );
  }
  writeNewFile(out, text, force, outArg);

  const t = config.targets[0]!;
  io.stdout.write(
    `wrote ${outArg}: stack ${config.name}, source ${config.source.cluster} (${config.source.accountId} ${config.source.region}), target ${t.name}: ${t.cluster} (${t.accountId} ${t.region})\n`,
  );
  const later = [
    config.source.oidcIssuer ? undefined : "source.oidcIssuer (--issuer)",
    t.endpoint ? undefined : "targets[0].endpoint (--endpoint)",
  ].filter(Boolean);
  if (later.length) {
    io.stdout.write(
      `not set: ${later.join(", ")}; render and verify --config need them, plan and apply discover them\n`,
    );
  }
  // render and verify --config need the issuer and endpoint; plan reads what is missing from AWS.
  io.stdout.write(
    later.length
      ? `next: xirsa plan --config ${outArg}, then xirsa apply --config ${outArg}\n`
      : `next: xirsa render --config ${outArg} --out bundle, then xirsa verify --config ${outArg}\n`,
  );
  return 0;
}
