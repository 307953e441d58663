import { NetShape, TrainableNetwork, TwoLayerNet } from './twoLayerNet';
import { Random } from './random';
import { TrainConfig } from './trainer';

/** Which implementation trains: the float64 reference (the book, line by line). */
export type EngineName = 'reference';
export const ENGINES: readonly EngineName[] = ['reference'];

export function createNetwork(engine: EngineName, shape: NetShape, config: Pick<TrainConfig, 'weightInitStd' | 'seed'>): TrainableNetwork {
  const rng = new Random(config.seed);
  switch (engine) {
    case 'reference':
      return new TwoLayerNet(shape, config.weightInitStd, rng);
  }
}
