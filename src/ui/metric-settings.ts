import {
  classWeightSchema,
  metricConfigSchema,
  type ExperimentSpec,
  type KerasMetricName,
  type MetricConfig,
} from '../experiment/spec';
import type { Setting } from './training-settings';

/** The metrics the checklist offers, with what each measures. */
export const METRIC_CHOICES: readonly { name: KerasMetricName; help: string }[] = [
  { name: 'accuracy', help: 'Share of samples whose predicted class is right.' },
  { name: 'binary_accuracy', help: 'Share of outputs on the right side of 0.5.' },
  { name: 'top_k_categorical_accuracy', help: 'Share of samples whose class is among the k most likely.' },
  { name: 'precision', help: 'Of the predicted positives, the share that are positive.' },
  { name: 'recall', help: 'Of the positives, the share predicted positive.' },
  { name: 'mae', help: 'Mean absolute error of the outputs.' },
];

/** Keras's default k for top_k_categorical_accuracy. */
export const KERAS_TOP_K = 5;

/** The metrics a spec logs: absent means Kiln's default, accuracy (see resolveCompile). */
export function metricsOf(spec: ExperimentSpec): MetricConfig[] {
  return spec.compile.metrics ?? [{ name: 'accuracy' }];
}

export function hasMetric(spec: ExperimentSpec, name: KerasMetricName): boolean {
  return metricsOf(spec).some((m) => m.name === name);
}

/** Ticks (adds, in checklist order) or unticks one metric. An empty list is kept: Keras may log no metric. */
export function withMetric(spec: ExperimentSpec, name: KerasMetricName, on: boolean): ExperimentSpec {
  const current = metricsOf(spec).filter((m) => m.name !== name);
  const order = (m: MetricConfig) => {
    const at = METRIC_CHOICES.findIndex((c) => c.name === m.name);
    return at < 0 ? METRIC_CHOICES.length : at;
  };
  const metrics = on ? [...current, { name }].sort((a, b) => order(a) - order(b)) : current;
  return { ...spec, compile: { ...spec.compile, metrics } };
}

/** The k of top_k_categorical_accuracy; edited only while that metric is ticked. */
export const TOP_K_SETTING: Setting = {
  id: 'metric.k',
  arg: {
    key: 'metric.k',
    label: 'k',
    kind: 'int',
    default: KERAS_TOP_K,
    nullable: true,
    help: `How many of the most likely classes count as a hit. Keras default: ${KERAS_TOP_K}. Empty = default.`,
  },
  schema: metricConfigSchema.shape.k,
  get: (spec) => metricsOf(spec).find((m) => m.name === 'top_k_categorical_accuracy')?.k,
  set(spec, value) {
    const metrics = metricsOf(spec).map((m): MetricConfig => {
      if (m.name !== 'top_k_categorical_accuracy') return m;
      const next: MetricConfig = {
        name: m.name,
        ...(m.threshold !== undefined ? { threshold: m.threshold } : {}),
      };
      return value === null || value === KERAS_TOP_K ? next : { ...next, k: value as number };
    });
    return { ...spec, compile: { ...spec.compile, metrics } };
  },
};

/** One class-weight field per class of the dataset, keyed by class index as Keras's `class_weight` is. */
export function classWeightSettings(classNames: readonly string[]): Setting[] {
  return classNames.map((className, index) => ({
    id: `class_weight.${index}`,
    arg: {
      key: `class_weight.${index}`,
      label: `${index}: ${className}`,
      kind: 'float',
      default: 1,
      nullable: true,
      help: '',
    },
    schema: classWeightSchema.valueType,
    get: (spec) => spec.fit.classWeight?.[String(index)],
    set(spec, value) {
      const weights: Record<string, number> = { ...spec.fit.classWeight };
      if (value === null) delete weights[String(index)];
      else weights[String(index)] = value as number;
      const fit = { ...spec.fit, classWeight: Object.keys(weights).length > 0 ? weights : undefined };
      if (!fit.classWeight) delete fit.classWeight;
      return { ...spec, fit };
    },
  }));
}
