/** Printed fixes applied on the sandbox: trust-policy and registration faults made by hand (fixCasesTrust.ts). */
import { TRUST_CASES } from "./fixCasesTrust.js";
import { describeFixes } from "./fixRunner.js";

// verify finds the config through $XIRSA_CONFIG here: its printed apply must still name the file.
describeFixes("test/verify/fixesAppliedTrust.test.ts", TRUST_CASES, "env");
