/** Which way a metric improves, guessed from its name. */
export type MetricDirection = 'higher' | 'lower' | 'neutral';

/** How a change of a metric reads: colour comes from this. */
export type DeltaTone = 'better' | 'worse' | 'same' | 'neutral';

const LOWER_IS_BETTER = new Set([
  'loss',
  'error',
  'errors',
  'mse',
  'rmse',
  'mae',
  'mape',
  'latency',
  'duration',
  'time',
  'perplexity'
]);

const HIGHER_IS_BETTER = new Set([
  'f1',
  'precision',
  'recall',
  'auc',
  'r2',
  'score',
  'ndcg',
  'map',
  'iou'
]);

/** `val_loss`, `f1-macro`, `valLoss`, `top5Accuracy` → lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Lower is better for losses, errors and times; higher is better for
 * accuracies and scores; anything else has no colour. Whole words only, so
 * `mape` is an error while `map` is a score.
 */
export const metricDirection = memoizeByKey((name: string): MetricDirection => {
  const parts = words(name);
  // scikit-learn's scorers negate errors (`neg_mean_squared_error`) so that
  // higher is better for every scorer.
  const negated = parts[0] === 'neg';
  if (parts.some(part => LOWER_IS_BETTER.has(part))) {
    return negated ? 'higher' : 'lower';
  }
  if (
    parts.some(part => HIGHER_IS_BETTER.has(part) || part.startsWith('acc'))
  ) {
    return 'higher';
  }
  return 'neutral';
});

/** Whether a change of `delta` in metric `name` is an improvement. */
export function deltaTone(name: string, delta: number | null): DeltaTone {
  if (delta === null || !Number.isFinite(delta)) {
    return 'neutral';
  }
  if (delta === 0) {
    return 'same';
  }
  const direction = metricDirection(name);
  if (direction === 'neutral') {
    return 'neutral';
  }
  return delta > 0 === (direction === 'higher') ? 'better' : 'worse';
}

/** Cache a function of one string (metric names repeat across 1000 rows). */
function memoizeByKey<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return key => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}
