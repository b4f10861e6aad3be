import { z } from 'zod';
import { scheduleSchema, type ExperimentSpec, type ScheduleConfig } from '../experiment/spec';
import type { ArgValue } from '../graph/types';
import type { Setting } from './training-settings';

/**
 * The learning-rate schedule fields (Keras's keras.optimizers.schedules, indexed by optimizer step; the
 * initial rate is the train bar's learning rate). Each field is checked by the schema of its schedule in
 * spec.ts; that the values of a piecewise schedule outnumber its boundaries by one is checked when Train
 * starts, where the worker names it.
 */
export const SCHEDULE_NAMES = [
  'constant',
  'piecewise_constant',
  'exponential_decay',
  'cosine_decay',
] as const;
type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Where a freshly picked schedule starts (Keras requires these, so it has no defaults to show). */
function startingSchedule(name: ScheduleName, rate: number): ScheduleConfig | undefined {
  switch (name) {
    case 'constant':
      return undefined;
    case 'piecewise_constant':
      return { name, boundaries: [100], values: [rate, rate / 10] };
    case 'exponential_decay':
      return { name, decay_steps: 100, decay_rate: 0.9 };
    case 'cosine_decay':
      return { name, decay_steps: 1000 };
  }
}

function shapeOf(name: ScheduleName) {
  const option = scheduleSchema.options.find((o) => o.shape.name.value === name);
  if (!option) throw new Error(`spec.ts has no schedule ${name}`);
  return option.shape as Record<string, z.ZodType>;
}

const scheduleName: Setting = {
  id: 'schedule.name',
  arg: {
    key: 'schedule.name',
    label: 'schedule',
    kind: 'enum',
    default: 'constant',
    options: SCHEDULE_NAMES,
    help: 'keras.optimizers.schedules: how the learning rate changes with each step.',
  },
  schema: z.enum(SCHEDULE_NAMES),
  get: (spec) => spec.compile.schedule?.name ?? 'constant',
  set(spec, value) {
    const name = value as ScheduleName;
    if ((spec.compile.schedule?.name ?? 'constant') === name) return spec;
    const compile = { ...spec.compile, schedule: startingSchedule(name, spec.compile.learningRate) };
    if (!compile.schedule) delete compile.schedule;
    return { ...spec, compile };
  },
};

/** "0.05, 0.005" → [0.05, 0.005]; anything else is left for the schema to refuse. */
function numberList(text: string): unknown {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.map((p) => (/^[-+.\deE]+$/.test(p) ? Number(p) : p));
}

interface ArgInfo {
  kind: 'float' | 'int' | 'bool' | 'intTuple' | 'string';
  help: string;
  keras?: ArgValue;
}

const ARGS: Record<Exclude<ScheduleName, 'constant'>, Record<string, ArgInfo>> = {
  piecewise_constant: {
    boundaries: { kind: 'intTuple', help: 'The steps where the rate changes (“100, 200”).' },
    values: {
      kind: 'string',
      help: 'The rate before, between and after the boundaries: one more than them.',
    },
  },
  exponential_decay: {
    decay_steps: { kind: 'float', help: 'Steps over which the rate is multiplied by decay_rate.' },
    decay_rate: { kind: 'float', help: 'The factor per decay_steps.' },
    staircase: { kind: 'bool', keras: false, help: 'Decay in whole steps rather than smoothly.' },
  },
  cosine_decay: {
    decay_steps: { kind: 'float', help: 'Steps over which the rate falls along a half cosine.' },
    alpha: { kind: 'float', keras: 0, help: 'The final rate, as a fraction of the initial one.' },
    warmup_steps: { kind: 'int', keras: 0, help: 'Steps of linear warm-up before the decay.' },
  },
};

function argSetting(name: Exclude<ScheduleName, 'constant'>, key: string, info: ArgInfo): Setting {
  const field = shapeOf(name)[key];
  const keras = info.keras;
  const optional = keras !== undefined;
  return {
    id: `schedule.${key}`,
    arg: {
      key: `schedule.${key}`,
      label: key,
      kind: info.kind,
      default: keras ?? null,
      nullable: optional && info.kind !== 'bool',
      help: optional
        ? `${info.help} Keras default: ${keras === false ? 'False' : String(keras)}. Empty = default.`
        : `${info.help} Required.`,
    },
    schema: info.kind === 'string' ? z.string().transform(numberList).pipe(field) : field,
    get(spec) {
      const value = (spec.compile.schedule as Record<string, ArgValue | undefined> | undefined)?.[key];
      return key === 'values' && Array.isArray(value) ? value.join(', ') : value;
    },
    set(spec, value) {
      const next: Record<string, unknown> = { ...spec.compile.schedule };
      const stored = typeof value === 'string' ? numberList(value) : value;
      if (stored === null || stored === keras) delete next[key];
      else next[key] = stored;
      return { ...spec, compile: { ...spec.compile, schedule: next as ScheduleConfig } };
    },
  };
}

/** The schedule picker and the arguments of the schedule chosen now. */
export function scheduleSettings(spec: ExperimentSpec): Setting[] {
  const name = spec.compile.schedule?.name ?? 'constant';
  if (name === 'constant') return [scheduleName];
  return [scheduleName, ...Object.entries(ARGS[name]).map(([key, info]) => argSetting(name, key, info))];
}
