// The real OpenTelemetry SDK wired to in-memory exporters, handed to a registry through its
// `observability` option, plus readers that flatten what was exported for assertions.
import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface MetricPoint {
  name: string;
  attributes: Attributes;
  /** Counter and gauge value; for a histogram its count. */
  value: number;
  /** Histogram sum. */
  sum?: number;
}

export class OtelSdk {
  readonly spans = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.spans)] });
  readonly #reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    // Collected on demand only (collect()); never on a timer during a test.
    exportIntervalMillis: 3_600_000,
  });
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });

  finishedSpans(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  async metrics(): Promise<MetricPoint[]> {
    const { resourceMetrics } = await this.#reader.collect();
    const points: MetricPoint[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
          const value = point.value;
          points.push(
            typeof value === 'number'
              ? { name: metric.descriptor.name, attributes: point.attributes, value }
              : { name: metric.descriptor.name, attributes: point.attributes, value: value.count, sum: value.sum },
          );
        }
      }
    }
    return points;
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.tracerProvider.shutdown(), this.meterProvider.shutdown()]);
  }
}

/** Points of one metric, optionally only those whose attributes include `match`. */
export function pointsOf(points: MetricPoint[], name: string, match: Attributes = {}): MetricPoint[] {
  return points.filter((p) => p.name === name && Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

/** Sum of values (counter sums, histogram counts) of the matching points. */
export function total(points: MetricPoint[], name: string, match: Attributes = {}): number {
  return pointsOf(points, name, match).reduce((sum, p) => sum + p.value, 0);
}
