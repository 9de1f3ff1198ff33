/** Printed fixes applied on the sandbox: trust-policy and registration faults made by hand (fixCasesTrust.ts). */
import { TRUST_CASES } from "./fixCasesTrust.js";
import { describeFixes } from "./fixRunner.js";

describeFixes("test/verify/fixesAppliedTrust.test.ts", TRUST_CASES);
