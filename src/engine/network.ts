import { NetShape, TrainableNetwork, TwoLayerNet } from '../core/twoLayerNet';
import { FastTwoLayerNet } from './fastNet';
import { Random } from '../core/random';
import { TrainConfig } from '../core/trainer';

/**
 * Which implementation trains: the float64 reference (the book, line by line) or the fast
 * float32 WebAssembly SIMD engine, the default.
 */
export type EngineName = 'reference' | 'fast';
export const ENGINES: readonly EngineName[] = ['reference', 'fast'];
export const DEFAULT_ENGINE: EngineName = 'fast';

/** `shared`: the fast engine's memory is shared, so that a second thread can take half the work (src/node/pairThread.ts). */
export function createNetwork(
  engine: EngineName,
  shape: NetShape,
  config: Pick<TrainConfig, 'weightInitStd' | 'seed'>,
  options: { shared?: boolean } = {},
): TrainableNetwork {
  const rng = new Random(config.seed);
  switch (engine) {
    case 'reference':
      return new TwoLayerNet(shape, config.weightInitStd, rng);
    case 'fast':
      return new FastTwoLayerNet(shape, config.weightInitStd, rng, undefined, options);
  }
}
