// Shadow mode's counters, per (alias, provider type, engine pair). `shadowCounterEntries()` is
// the one function that reads them (registry.shadowSummary(), and metrics/run summaries).
import type { EngineName } from '../core/model-client.ts';
import type { ProviderType } from '../core/types.ts';

export interface ShadowCounterEntry {
  alias: string;
  providerType: ProviderType;
  primary: EngineName;
  shadow: EngineName;
  /** Calls picked by the sample rate (captured unless dropped at once: no budget or queue room). */
  sampled: number;
  /** Shadow runs that finished and were compared. */
  compared: number;
  inParity: number;
  outOfParity: number;
  /** Sampled calls not shadowed: the CPU budget could not cover them or the queue was full, or the registry closed first. */
  dropped: number;
  /** Shadow runs that failed on the shadow's side (a bug or limit in shadow mode, not a parity verdict). */
  failed: number;
  /** Sampled calls not compared because the caller cancelled the primary. */
  skipped: number;
  /** Out-of-parity fixtures written to fixturesDir. */
  fixturesWritten: number;
  /**
   * CPU time (user + system, µs) spent on shadow work: capture bookkeeping and redaction on the
   * registry's thread, the shadow runs on the worker's (with thread 'main', a run's span also
   * holds any primary work interleaved with it: an upper bound).
   */
  cpuMicros: number;
}

type CounterName = Exclude<keyof ShadowCounterEntry, 'alias' | 'providerType' | 'primary' | 'shadow'>;

export class ShadowCounters {
  readonly #entries = new Map<string, ShadowCounterEntry>();

  entry(alias: string, providerType: ProviderType, primary: EngineName, shadow: EngineName): ShadowCounterEntry {
    const key = JSON.stringify([alias, providerType, primary, shadow]);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = {
        alias,
        providerType,
        primary,
        shadow,
        sampled: 0,
        compared: 0,
        inParity: 0,
        outOfParity: 0,
        dropped: 0,
        failed: 0,
        skipped: 0,
        fixturesWritten: 0,
        cpuMicros: 0,
      };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  add(entry: ShadowCounterEntry, name: CounterName, amount = 1): void {
    entry[name] += amount;
  }

  /** A copy of every entry, sorted by alias. */
  snapshot(): ShadowCounterEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e })).sort((a, b) => a.alias.localeCompare(b.alias));
  }
}

/** The counters of a registry's shadow mode (empty when shadow mode is off). */
export function shadowCounterEntries(counters: ShadowCounters | undefined): ShadowCounterEntry[] {
  return counters?.snapshot() ?? [];
}
