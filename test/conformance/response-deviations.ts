// Bundled fixtures whose accepted 2xx body is not valid for the provider's response schema, each
// with the reason the engines accept it anyway. Filled from the suite's own findings.
export const RESPONSE_DEVIATIONS: Readonly<Record<string, string>> = {};
