import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../experiment/spec';

/**
 * A fresh optimizer for one run. The caller owns it: `model.dispose()` does not dispose an optimizer it did
 * not create (Adam keeps two slot variables per weight), so the run disposes it in its `finally`.
 */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
  }
}
