// Telemetry runs inside model calls: a failure of ours, or of a host's SDK (a span processor,
// an exporter), costs that piece of telemetry and never the call.
export function neverThrow<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}
