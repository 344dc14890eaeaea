// The shape every section of `npm run conformance` returns (scripts/conformance.ts iterates over a
// list of sections: generated requests here, generated responses in responses.ts).

export interface SectionViolation {
  /** Which rule broke: `spec $.temperature`, `rule:unique-tool-use-id`, `unmapped:TypeError`, … */
  kind: string;
  provider: string;
  /** `legacy`, `v2`, or `both` for a parity violation. */
  engine: string;
  message: string;
  /** The shrunk case that shows it (fast-check's smallest), with the seed and path to replay it. */
  counterexample: unknown;
}

export interface SectionReport {
  name: string;
  cases: number;
  /** Outcomes by kind, keyed `<provider> × <engine>: <kind>` (sent, refused:<ErrorClass>, …). */
  outcomes: Record<string, number>;
  violations: SectionViolation[];
  seconds: number;
}

export interface SectionOptions {
  runs: number;
  seed: number;
  engines: readonly ('legacy' | 'v2')[];
  providers: readonly ('openai' | 'anthropic' | 'bedrock')[];
  /** Called now and then on long runs. */
  progress?: (done: number, total: number) => void;
  /** Shrink each distinct violation to its smallest case (default true). */
  shrink?: boolean;
}

export type Section = (options: SectionOptions) => Promise<SectionReport>;
