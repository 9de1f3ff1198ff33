/**
 * Endpoint resolution shared by the token presigner and the SDK clients: AWS_ENDPOINT_URL_<SERVICE> first, then
 * AWS_ENDPOINT_URL, then the regional endpoint (never the global STS endpoint: it bypasses VPC endpoints).
 */
import { partitionOf } from "../names/index.js";

export type Service = "sts" | "iam" | "eks";

export function endpointOverride(service: Service, env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL || undefined;
}

export function stsEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  const override = endpointOverride("sts", env);
  if (override) return override.replace(/\/+$/, "");
  const suffix = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sts.${region}.${suffix}`;
}
