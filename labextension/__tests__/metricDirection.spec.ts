import { deltaTone, metricDirection } from '../models/metricDirection';

describe('metricDirection', () => {
  it.each([
    'loss',
    'val_loss',
    'valLoss',
    'mean_absolute_error',
    'rmse',
    'MAE',
    'mape',
    'latency_ms',
    'duration_s',
    'train-time',
    'perplexity'
  ])('%s: lower is better', name => {
    expect(metricDirection(name)).toBe('lower');
  });

  it.each([
    'accuracy',
    'val_acc',
    'top5Accuracy',
    'f1_macro',
    'precision',
    'recall',
    'roc_auc',
    'r2',
    'score',
    'ndcg@10',
    'map',
    'mean_iou',
    'neg_mean_squared_error'
  ])('%s: higher is better', name => {
    expect(metricDirection(name)).toBe('higher');
  });

  it.each(['n_test', 'n_train', 'epochs', 'mapping', 'timestamp_count'])(
    '%s: no direction',
    name => {
      expect(metricDirection(name)).toBe('neutral');
    }
  );
});

describe('deltaTone', () => {
  it('colours a change by the direction of its metric', () => {
    expect(deltaTone('accuracy', 0.02)).toBe('better');
    expect(deltaTone('accuracy', -0.02)).toBe('worse');
    expect(deltaTone('loss', -0.1)).toBe('better');
    expect(deltaTone('loss', 0.1)).toBe('worse');
    expect(deltaTone('accuracy', 0)).toBe('same');
    expect(deltaTone('n_test', 5)).toBe('neutral');
    expect(deltaTone('accuracy', null)).toBe('neutral');
    expect(deltaTone('accuracy', Number.NaN)).toBe('neutral');
  });
});
