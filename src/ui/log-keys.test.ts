import { describe, expect, it } from 'vitest';
import { loggedQuantities, quantityLabel } from './log-keys';

describe('loggedQuantities', () => {
  it('lists loss, the outputs’ losses, then every metric, each once with its val_ key', () => {
    const history = [
      { loss: 1, out_a_accuracy: 0.5, out_a_loss: 0.7, out_b_loss: 0.3, learning_rate: 0.1 },
      {
        loss: 0.8,
        out_a_accuracy: 0.6,
        out_a_loss: 0.6,
        out_b_loss: 0.2,
        val_loss: 0.9,
        val_out_a_loss: 0.7,
      },
    ];
    expect(loggedQuantities(history).map((q) => q.key)).toEqual([
      'loss',
      'out_a_loss',
      'out_b_loss',
      'out_a_accuracy',
    ]);
    const accuracy = loggedQuantities(history).find((q) => q.key === 'out_a_accuracy')!;
    expect(accuracy).toEqual({
      key: 'out_a_accuracy',
      valKey: 'val_out_a_accuracy',
      label: 'out_a accuracy',
      rate: true,
    });
  });

  it('shows rates as rates and errors as values', () => {
    const q = loggedQuantities([{ loss: 1, precision: 0.5, recall: 0.4, mae: 0.2 }]);
    expect(q.map((x) => [x.key, x.rate])).toEqual([
      ['loss', false],
      ['precision', true],
      ['recall', true],
      ['mae', false],
    ]);
    expect(quantityLabel('top_k_categorical_accuracy')).toBe('Top-k accuracy');
    expect(quantityLabel('mystery')).toBe('mystery');
  });
});
