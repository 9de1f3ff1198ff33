/**
 * The profile names the shared AWS files define, to say "profile 'x' is not in …; known: …" before the SDK's
 * chain fails with "Could not load credentials from any providers". Sections as the SDK reads them
 * (smithy-lang/smithy-typescript, packages/core/src/submodules/config/shared-ini-file-loader/parseIni.ts and
 * getConfigData.ts): in the config file `[default]` and `[profile NAME]`, in the credentials file `[NAME]`.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { didYouMean } from "../text/index.js";

function sections(file: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.split(/(^|\s)[;#]/)[0]!.trim();
    if (t.startsWith("[") && t.endsWith("]")) names.push(t.slice(1, -1).trim());
  }
  return names;
}

export function sharedFiles(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  const home = env.HOME || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, ".aws", "config"),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"),
  };
}

/** The profiles of both files, or undefined when neither can be read (nothing to check against). */
export function knownProfiles(env: NodeJS.ProcessEnv): string[] | undefined {
  const files = sharedFiles(env);
  const config = sections(files.config);
  const credentials = sections(files.credentials);
  if (config === undefined && credentials === undefined) return undefined;
  const fromConfig = (config ?? []).flatMap((s) => {
    if (s === "default") return [s];
    const m = /^profile\s+(["'])?([^"']+)\1$/.exec(s);
    return m ? [m[2]!] : [];
  });
  return [...new Set([...fromConfig, ...(credentials ?? [])])].sort();
}

/** Refuses (exit 2) a profile that neither shared file defines. */
export function checkProfile(profile: string, env: NodeJS.ProcessEnv): void {
  const known = knownProfiles(env);
  if (known === undefined || known.includes(profile)) return;
  const files = sharedFiles(env);
  throw new InputError(
    "aws.profile",
    `profile '${profile}' is not in ${files.config} or ${files.credentials}${didYouMean(profile, known)}; known: ${known.join(", ") || "none"}`,
    "pass a profile those files define (aws configure list-profiles), or set AWS_CONFIG_FILE",
  );
}
