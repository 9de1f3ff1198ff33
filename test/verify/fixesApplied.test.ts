/** Printed fixes applied on the sandbox: access entries, service accounts, OIDC, roles, registration (fixCases.ts). */
import { LIVE_CASES } from "./fixCases.js";
import { describeFixes } from "./fixRunner.js";

describeFixes("test/verify/fixesApplied.test.ts", LIVE_CASES);
