import { INIT_USAGE, runInit } from "../../init/run.js";
import type { Command } from "../command.js";

const command: Command = {
  name: "init",
  summary: "write a commented xirsa.yaml (flags, prompts, or --discover from EKS)",
  usage: INIT_USAGE,
  run(argv, io) {
    return runInit(argv, io, {
      // The SDK is loaded only when --discover asks for it.
      async eks(profile, region) {
        const { EKS } = await import("@aws-sdk/client-eks");
        return new EKS(region ? { profile, region } : { profile });
      },
    });
  },
};
export default command;
