import { resolve } from "node:path";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import { PARTS, type Part, renderBundle, renderWarnings, writeBundle } from "../../render/index.js";
import { parseFlags, requireFlag } from "../args.js";
import type { Command } from "../command.js";
import { requireConfig } from "../configFile.js";
import { FORCE_OPTION, outputFile } from "../outputs.js";
import { EXTRAS, type Extra, renderExtra } from "./renderExtras.js";

function parseOnly(value: string | undefined): Part[] | undefined {
  if (value === undefined) return undefined;
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (bad.length || parts.length === 0) {
    throw new InputError(
      "cli.flags",
      `render: --only ${bad.length ? `has unknown part${bad.length > 1 ? "s" : ""} ${bad.map((b) => `'${b}'`).join(", ")}` : "is empty"}`,
      `list some of ${PARTS.join(",")}, or one of ${EXTRAS.join(", ")} alone`,
    );
  }
  return [...new Set(parts)] as Part[];
}

const command: Command = {
  name: "render",
  summary: "render the bundle: IAM JSON, Terraform, manifests, Helm values and scripts",
  usage: `xirsa render --config <xirsa.yaml> --out <dir> [--only <parts>] [--output text|json]

Turns xirsa.yaml into every artifact the cross-account IRSA set-up needs, for review in Git and for
applying by hand, with Terraform or with the scripts (offline: nothing is called).

  <dir>/aws/<account>/roles/<Role>/trust-policy.json     and permissions-policy.json (inline policy)
  <dir>/aws/<account>/oidc-providers.json                the IAM OIDC provider the source account needs
  <dir>/aws/<account>/eks/<cluster>/access-entries.json  EKS access entries and policy associations
  <dir>/kubernetes/<cluster>/*.yaml                      ServiceAccounts, AppProject, cluster Secrets, Capsule, RBAC
  <dir>/terraform/<account>/*.tf                         one root module per account (terraform fmt clean)
  <dir>/helm/*.yaml                                      values for edp-install and argo-cd
  <dir>/scripts/NN-*.sh                                  the aws CLI and kubectl steps, incl. the restarts
  <dir>/MANIFEST.json                                    the config echo, every file's sha256, the chains

Flags:
  --config <file>   xirsa.yaml (needs source.oidcIssuer and every target's endpoint: offline)
  --out <dir>       the bundle directory; replaced as a whole once the new bundle is complete (only if it
                    is empty or a xirsa bundle holding nothing but the files its MANIFEST.json lists, and
                    never when it holds --config; else exit 2)
  --only <parts>    comma-separated subset of ${PARTS.join(",")} (MANIFEST.json is always written)
  --output <fmt>    text (default) or json: what was written

Not part of the bundle, printed to stdout (or written to --out as one file; an existing file only with --force):
  --only probe-job [--chain K] [--target T] [--image I]
                                              Kubernetes Job(s) running xirsa probe in cluster A under the
                                              flow's real ServiceAccount (--image: an image whose entrypoint
                                              is the xirsa CLI; default xirsa:0.1.0)
  --only verifier-policy                      the least-privilege IAM policy and EKS access policy that the
                                              read-only collector (plan, verify --live) needs per account
  --only terraform-imports                    Terraform import blocks per account that hand what xirsa apply
                                              created over to the rendered Terraform (one section per
                                              account: save it as terraform/<account>/imports.tf)

Byte-for-byte deterministic: the same xirsa.yaml renders the same bundle. xirsa verify --from <dir> proves
the chains over the bundle, including edits made to it since.

Exit codes: 0 written, 1 the directory could not be written, 2 bad config or flags, or an --out that is
not a bundle.`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: "string" },
        out: { type: "string" },
        only: { type: "string" },
        output: { type: "string" },
        chain: { type: "string" },
        target: { type: "string" },
        image: { type: "string" },
        ...FORCE_OPTION,
      },
      "render",
    );
    const configPath = requireConfig(values, io, "render");
    const onlyFlag = values.only;
    if (onlyFlag && (EXTRAS as readonly string[]).includes(onlyFlag)) {
      const config = loadConfig(resolve(io.cwd, configPath));
      const text = await renderExtra(onlyFlag as Extra, config, {
        ...(values.chain ? { chain: values.chain } : {}),
        ...(values.target ? { target: values.target } : {}),
        ...(values.image ? { image: values.image } : {}),
      });
      if (values.out) {
        const { writeFileAtomic } = await import("../../fs/atomic.js");
        const file = resolve(io.cwd, values.out);
        const replace = outputFile(file, { force: !!values.force, inputs: [resolve(io.cwd, configPath)] });
        writeFileAtomic(file, text, { what: values.out, code: "render", replace });
        io.stdout.write(`wrote ${values.out}\n`);
      } else io.stdout.write(text);
      return 0;
    }
    const out = requireFlag(values.out, "--out", "render");
    const output = values.output ?? "text";
    if (output !== "text" && output !== "json") {
      throw new InputError("cli.flags", `render: --output must be text or json, not '${output}'`);
    }
    const only = parseOnly(values.only);
    const config = loadConfig(resolve(io.cwd, configPath));
    const files = renderBundle(config, only ? { only } : {});
    const dir = resolve(io.cwd, out);
    await writeBundle(dir, files, { inputs: [resolve(io.cwd, configPath)] });
    for (const w of renderWarnings(config, only ? { only } : {}))
      io.stderr.write(`xirsa render: warning: ${w}\n`);
    if (output === "json") {
      io.stdout.write(`${JSON.stringify({ out: dir, files: [...files.keys()].sort() }, null, 2)}\n`);
    } else {
      const parts = only ?? PARTS;
      io.stdout.write(`wrote ${files.size} files to ${out} (${parts.join(", ")} and MANIFEST.json)\n`);
    }
    return 0;
  },
};
export default command;
