/**
 * `xirsa sandbox <subcommand>`: one file per subcommand beside this one; here the usage and the dispatch.
 */
import { InputError } from "../../../errors.js";
import { oneOf } from "../../args.js";
import type { Command } from "../../command.js";
import { down } from "./down.js";
import { kubeconfig } from "./kubeconfig.js";
import { reset } from "./reset.js";
import { statusCmd } from "./status.js";
import { token } from "./token.js";
import { up } from "./up.js";

const USAGE = `xirsa sandbox <up|down|status|reset|token|kubeconfig> --state-dir DIR [flags]

A local emulation of the AWS accounts (IAM, STS, EKS, OIDC issuers) and EKS clusters of xirsa.yaml on 127.0.0.1.

  up --config xirsa.yaml --state-dir DIR [--detach]
        [--propagation-delay MS] [--throttle-rate R] [--error-rate R] [--latency-ms N]
        [--capsule-bind-delay-ms MS]
      Starts the sandbox (in the foreground until Ctrl-C, or in the background with --detach, returning once
      every endpoint answers). Writes DIR/env.sh (. it to point the aws CLI and SDKs at the sandbox),
      DIR/aws-config and DIR/aws-credentials (profile sandbox-<account id> per account) and DIR/ca.pem.
      Without --config it restarts the sandbox DIR already holds. The realism knobs (off by default, kept in
      DIR/sandbox.json): IAM propagation delay in ms, probability of Throttling, probability of a 5xx, and
      latency added to every AWS request (mean N ms, uniform jitter between N/2 and 3N/2), and the time Capsule
      takes to bind a tenant's owners in a new namespace (until then they get 403 there).
  down --state-dir DIR                stops it (its state stays in DIR)
  status --state-dir DIR [--output text|json]   exit 0 when running, 1 when not
  reset --state-dir DIR               forgets all changes (IAM, sessions, access entries, Kubernetes objects)
  token --state-dir DIR --cluster C --namespace N --service-account S [--audience A] [--ttl SECONDS]
      prints a projected service-account token of cluster C (default audience sts.amazonaws.com, ttl 3600);
      --out FILE writes it as a pod's token file (no trailing newline, mode 0600) for AWS_WEB_IDENTITY_TOKEN_FILE
      (an existing FILE only with --force; never a file of DIR)
  kubeconfig --state-dir DIR --cluster C [--profile P | --role-arn R] [--region G] [--out FILE]
        [--command aws|xirsa]
      writes a kubeconfig for cluster C (default FILE: DIR/kubeconfig-C; an existing --out FILE only with --force)
      --profile P   the profile its token is made with (default: sandbox-<account id>, the cluster's account
                    admin); one of DIR/aws-config's, else refused naming the known ones
      --region G    the region its token is signed for (default: the cluster's)`;

const SUBCOMMANDS = ["up", "down", "status", "reset", "token", "kubeconfig"] as const;

const command: Command = {
  name: "sandbox",
  summary: "run a local emulation of the AWS accounts and EKS clusters of xirsa.yaml",
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (oneOf(sub, SUBCOMMANDS, "sandbox subcommand", "up")) {
      case "up":
        if (sub === undefined)
          throw new InputError(
            "cli.flags",
            "sandbox: name a subcommand: up, down, status, reset, token or kubeconfig",
            "see xirsa sandbox --help",
          );
        return up(rest, io);
      case "down":
        return down(rest, io);
      case "status":
        return statusCmd(rest, io);
      case "reset":
        return reset(rest, io);
      case "token":
        return token(rest, io);
      case "kubeconfig":
        return kubeconfig(rest, io);
    }
  },
};
export default command;
