/** What the PKI providers need: the SDK's declarations, the certificate functions and a clock. */
export { checkWith, isUnknown, pki, type ResourceProvider } from "../../../sdk/index.js";
export { propertyEquals } from "../../../sdk/internal.js";
export { remaining, renewalDue, systemClock, type Clock } from "../../pki/expiry.js";
export { signedBy } from "../../pki/x509.js";
