import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProfile, knownProfiles } from "./profiles.js";

describe("profiles of the shared AWS files", () => {
  const dir = mkdtempSync(join(tmpdir(), "xirsa-profiles-"));
  const env = { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") };
  writeFileSync(
    env.AWS_CONFIG_FILE,
    "[default]\nregion = eu-west-1\n[profile prod] # comment\nrole_arn = x\n[sso-session corp]\n[services s]\n",
  );
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, "[ci]\naws_access_key_id = A\n");

  it("reads [default] and [profile NAME] from config and [NAME] from credentials, as the SDK does", () => {
    expect(knownProfiles(env)).toEqual(["ci", "default", "prod"]);
  });

  it("refuses an unknown profile naming the files, the closest profile and the known ones", () => {
    expect(() => checkProfile("prd", env)).toThrow(
      `profile 'prd' is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (did you mean 'prod'?); known: ci, default, prod`,
    );
    expect(() => checkProfile("prod", env)).not.toThrow();
    expect(() => checkProfile("corp", env)).toThrow(); // an sso-session is not a profile
  });

  it("leaves the decision to the SDK when neither file exists", () => {
    const none = {
      AWS_CONFIG_FILE: join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-creds"),
    };
    expect(knownProfiles(none)).toBeUndefined();
    expect(() => checkProfile("x", none)).not.toThrow();
  });
});
