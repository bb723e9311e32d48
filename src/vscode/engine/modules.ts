/**
 * The heavy part of the extension, bundled on its own as `dist/engine.js` and loaded on first use
 * (see `load.ts`): the trust engine (undici, TUF verification), the Dockerfile and compose parsers
 * (dockerfile-ast, yaml), the glob matcher of the file settings, the policy file, the hover's text, and the write side (signing, keys). Activation loads none
 * of it; the first check, hover, command or key listing does.
 */
export { createRegistryTransport } from '../../core/net/registryTransport';
export { RegistryClient } from '../../core/net/registryClient';
export { parseDotenv } from '../../core/parse/dotenv';
export { globMatcher } from '../../core/parse/fileGlobs';
export { scanText } from '../../core/parse/scanText';
export { ScanWorkerClient } from '../scan/scanClient';
export { addIgnoredRepository } from '../../core/policy/ignoreEdit';
export { addPolicyRule } from '../../core/policy/ruleEdit';
export { effectivePolicy, mergePolicy } from '../../core/policy/policy';
export { findPolicyFile, parsePolicy, POLICY_FILE_NAME } from '../../core/policy/policyFile';
export { FileMetadataStore, standardBackends } from '../../core/composition/backends';
export { createTrustEngine } from '../../core/trust/trustService';
export { formatCheckMarkdown } from '../../core/report/markdownReport';
export { hoverMarkdown, showSignersUri } from '../../core/report/hoverText';
export { FileKeyStore } from '../../core/trust/dct/keys/fileKeyStore';
export { generateSignerKey } from '../../core/trust/dct/signing/generateSignerKey';
export { readKeyBlock } from '../../core/trust/dct/keys/keyPem';
export { createTrustPublisher } from '../../core/trust/dct/signing/createPublisher';
export { parsePublicKeyPem } from '../../core/trust/dct/signing/publicKeyPem';
export { signInSteps } from '../../core/trust/dct/signing/signSteps';
export { cosignPassphraseSource } from '../../core/trust/cosign/cosignKeys';
export { readCosignSigningKey } from '../../core/trust/cosign/cosignKeyFiles';
export { createCosignBackend } from '../../core/trust/cosign/createCosignBackend';
export { signBundle, signLegacy } from '../../core/trust/cosign/cosignSign';
export { describeKey as describeCosignKey } from '../../core/trust/cosign/publicKeys';
