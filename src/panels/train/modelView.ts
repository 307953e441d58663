/**
 * What "See the model" shows, computed in the worker from a network's parameters: predictions on
 * the test set (a sample grid and the mistakes), the confusion matrix, and W1's columns as images.
 */
import { confusionAccuracy, confusionMatrix } from './confusion';
import { LabeledImages, range, toBatch } from '../../core/dataset';
import { Matrix, argmaxRows } from '../../core/matrix';
import { TwoLayerNet, TwoLayerParams } from '../../core/twoLayerNet';
import type { SampleImage } from '../../protocol/train';
import type { ModelPicture } from './workerProtocol';

export function netFromParams(params: TwoLayerParams): TwoLayerNet {
  const shape = { inputSize: params.W1.rows, hiddenSize: params.W1.cols, outputSize: params.W2.cols };
  return new TwoLayerNet(shape, 0, undefined, params);
}

/** argmax(predict(x)) for every image of `set`, 1,000 at a time. */
export function predictAll(net: TwoLayerNet, set: LabeledImages, chunk = 1000): Int32Array {
  const out = new Int32Array(set.count);
  for (let start = 0; start < set.count; start += chunk) {
    const { x } = toBatch(set, range(start, Math.min(set.count, start + chunk)), net.shape.outputSize);
    out.set(argmaxRows(net.predict(x)), start);
  }
  return out;
}

/** Each column of W1 (the weights into one hidden unit) scaled by its own largest |w| to −127…127. */
export function weightImages(params: TwoLayerParams, shown: number): Int8Array {
  return columnImages(params.W1, shown);
}

/** The first `shown` columns of a matrix, each scaled by its own largest |value| to −127…127 (W1 and dW1 alike). */
export function columnImages(m: Matrix, shown: number): Int8Array {
  const { rows, cols, data } = m;
  const out = new Int8Array(shown * rows);
  for (let j = 0; j < shown; j++) {
    let max = 0;
    for (let p = 0; p < rows; p++) max = Math.max(max, Math.abs(data[p * cols + j]));
    for (let p = 0; p < rows; p++) out[j * rows + p] = max > 0 ? Math.round((127 * data[p * cols + j]) / max) : 0;
  }
  return out;
}

export const base64 = (a: Uint8Array | Int8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function modelPicture(
  params: TwoLayerParams,
  test: LabeledImages,
  samples = 48,
  maxWeights = 100,
): ModelPicture {
  const net = netFromParams(params);
  const predicted = predictAll(net, test);
  const image = (i: number): SampleImage => ({
    index: i,
    label: test.labels[i],
    predicted: predicted[i],
    pixels: base64(test.images.subarray(i * test.size, (i + 1) * test.size)),
  });
  const mistakes: SampleImage[] = [];
  for (let i = 0; i < test.count && mistakes.length < samples; i++)
    if (predicted[i] !== test.labels[i]) mistakes.push(image(i));
  const confusion = confusionMatrix(test.labels, predicted, net.shape.outputSize);
  const shown = Math.min(maxWeights, params.W1.cols);
  return {
    testAccuracy: confusionAccuracy(confusion),
    samples: Array.from({ length: Math.min(samples, test.count) }, (_, i) => image(i)),
    mistakes,
    confusion,
    weights: {
      hiddenSize: params.W1.cols,
      shown,
      side: Math.round(Math.sqrt(params.W1.rows)),
      images: base64(weightImages(params, shown)),
    },
  };
}
