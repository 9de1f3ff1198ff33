/** aws/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { type FlowChain, flowChain, readWebIdentityToken, webIdentityClaims } from "./chain.js";
export { type AccountClients, accountClients } from "./clients.js";
export { type CredentialSource, type Credentials, defaultCredentials } from "./credentials.js";
export { type EksToken, eksToken, TOKEN_PREFIX } from "./eksToken.js";
export { stsEndpoint } from "./endpoints.js";
export { execCredential } from "./execCredential.js";
export { checkProfile } from "./profiles.js";
export { assumeRole, assumeRoleWithWebIdentity, awsFailure, webIdentityChain } from "./sts.js";
export { cacheKey, fileStamps, readCachedToken, tokenCacheDir, writeCachedToken } from "./tokenCache.js";
