/** Values shared by the init tests (a valid set, as a script would pass them). */
import type { InitValues } from "../../src/init/fields.js";

// A real self-signed certificate (examples/xirsa.yaml): the schema checks that caData decodes to a PEM.
export const CA_DATA =
  "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmekNDQVNXZ0F3SUJBZ0lVYm0zSnp6dUpPS3lUSEhQOFVYM0gvZGY4YTNZd0NnWUlLb1pJemowRUF3SXcKRlRFVE1CRUdBMVVFQXd3S2EzVmlaWEp1WlhSbGN6QWVGdzB5TmpFeE1qa3hOakUzTkRGYUZ3MHpOakV4TWpZeApOakUzTkRGYU1CVXhFekFSQmdOVkJBTU1DbXQxWW1WeWJtVjBaWE13V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPClBRTUJCd05DQUFSZ0MzWjhOTjZsR3RRMTEvdlBZb2VtbDhRWnhSWGxBU2FXdytjb080MCttL3NVK2tGQ2U1Z24KMkRKdHhtenBNcXV3SDI4cUpWcXZQbGZYWlZTS1h6RDBvMU13VVRBZEJnTlZIUTRFRmdRVWoyMFd4YmtUOFovSQphUUVGV0JPaUhYUmEwNE13SHdZRFZSMGpCQmd3Rm9BVWoyMFd4YmtUOFovSWFRRUZXQk9pSFhSYTA0TXdEd1lEClZSMFRBUUgvQkFVd0F3RUIvekFLQmdncWhrak9QUVFEQWdOSUFEQkZBaUVBNEVoS0ZVbENMSE42Z2tjMTg4RlcKQzRuWkFHM3VGVW5Hc1ZENDI2UEJ2M01DSUV2V2E0bTE0RTMwRWZxM0dvdmpmNm5yYjYxODJxWUNhQlU5R1FGVwo3MXZPCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";

export const ISSUER = "https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F";
export const ENDPOINT = "https://9F3A1C5E7B2D4F6A8C0E1B3D5F7A9C2E.gr7.eu-west-1.eks.amazonaws.com";

export function validValues(): InitValues {
  return {
    name: "dev",
    sourceAccount: "111111111111",
    sourceRegion: "eu-central-1",
    sourceCluster: "krci-main",
    issuer: ISSUER,
    targetName: "prod",
    targetAccount: "222222222222",
    targetRegion: "eu-west-1",
    targetCluster: "workloads-prod",
    endpoint: ENDPOINT,
    caData: CA_DATA,
  };
}

/** The same values as flags. */
export function validArgs(): string[] {
  return [
    "--name",
    "dev",
    "--source-account",
    "111111111111",
    "--source-region",
    "eu-central-1",
    "--source-cluster",
    "krci-main",
    "--issuer",
    ISSUER,
    "--target-name",
    "prod",
    "--target-account",
    "222222222222",
    "--target-region",
    "eu-west-1",
    "--target-cluster",
    "workloads-prod",
    "--endpoint",
    ENDPOINT,
    "--ca-data",
    CA_DATA,
  ];
}
