// An internal switch for the instrumentation bench only (src/testing/bench): off, the facade makes
// no spans, records no metrics, passes no observer to the engines and records no run summary, so
// the bench can measure what the instrumentation costs. Not part of the public API.
let enabled = true;

export function instrumentationEnabled(): boolean {
  return enabled;
}

export function setInstrumentationEnabled(value: boolean): void {
  enabled = value;
}
