#!/usr/bin/env python3
"""The book's TwoLayerNet (chapter 4.5) in numpy, timed: the reference `npm run bench` compares against.

Written for Gradient Lab after the book's code: float32 pixels in [0, 1] (load_mnist(normalize=True)),
one-hot labels, float64 weights, the book's sigmoid/softmax/cross_entropy_error, its backprop
`gradient`, its `numerical_gradient` (np.nditer, h = 1e-4) and its training loop (the mini-batch
loss on the updated weights every iteration, train and test accuracy once per epoch).
It reads the bundled idx.gz files itself with gzip + numpy and prints one JSON object.

usage: python3 scripts/bench_numpy.py [--data DIR] [--iters N] [--timed-iters N] [--seed N]
                                      [--numgrad-params N] [--eval-repeats N] [--run-only]
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb') as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f'{path}: not an unsigned-byte idx file')
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * d:8 + 4 * d], 'big') for d in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(folder):
    """Like the book's load_mnist(normalize=True, flatten=True, one_hot_label=True)."""
    def find(prefix):
        names = sorted(n for n in os.listdir(folder) if n.startswith(prefix))
        if not names:
            raise FileNotFoundError(f'{folder}: no {prefix}* file')
        return os.path.join(folder, names[0])

    def images(prefix):
        x = read_idx(find(prefix))
        return x.reshape(x.shape[0], -1).astype(np.float32) / 255.0

    def one_hot(prefix):
        labels = read_idx(find(prefix))
        t = np.zeros((labels.size, 10))
        t[np.arange(labels.size), labels] = 1
        return t

    return (images('train-images'), one_hot('train-labels')), (images('t10k-images'), one_hot('t10k-labels'))


def peer_parser(doc):
    """The command line every peer script (scripts/peers) starts from: --data DIR, --iters N, --seed N."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('--data', required=True)
    ap.add_argument('--iters', type=int, default=10000)
    ap.add_argument('--seed', type=int, default=42)
    return ap


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def softmax(x):
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        return (np.exp(x) / np.sum(np.exp(x), axis=0)).T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot → label indices
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_gradient(f, x, limit=None):
    """Central differences, every element perturbed in place; `limit` stops after that many (for timing)."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=[['readwrite']])
    done = 0
    while not it.finished and (limit is None or done < limit):
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
        done += 1
    return grad


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            'W1': weight_init_std * np.random.randn(input_size, hidden_size),
            'b1': np.zeros(hidden_size),
            'W2': weight_init_std * np.random.randn(hidden_size, output_size),
            'b2': np.zeros(output_size),
        }

    def predict(self, x):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return softmax(a2)

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        return np.sum(y == np.argmax(t, axis=1)) / float(x.shape[0])

    def numerical_gradient(self, x, t, limit=None):
        loss_W = lambda W: self.loss(x, t)
        return {k: numerical_gradient(loss_W, self.params[k], limit) for k in ('W1', 'b1', 'W2', 'b2')}

    def gradient(self, x, t):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        dy = (y - t) / batch_num
        grads = {'W2': np.dot(z1.T, dy), 'b2': np.sum(dy, axis=0)}
        da1 = np.dot(dy, W2.T)
        dz1 = sigmoid_grad(a1) * da1
        grads['W1'] = np.dot(x.T, dz1)
        grads['b1'] = np.sum(dz1, axis=0)
        return grads


def train(x_train, t_train, x_test, t_test, iters, seed, hidden=50, batch_size=100, learning_rate=0.1):
    """The book's loop; returns wall seconds, seconds spent in accuracy checks, and the final accuracies."""
    np.random.seed(seed)
    network = TwoLayerNet(input_size=x_train.shape[1], hidden_size=hidden, output_size=10)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    eval_seconds = 0.0
    start, cpu0 = time.perf_counter(), time.process_time()
    for i in range(iters):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(network.loss(x_batch, t_batch))
        if i % iter_per_epoch == 0:
            e0 = time.perf_counter()
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
            eval_seconds += time.perf_counter() - e0
    return {
        'seconds': time.perf_counter() - start,
        'cpuSeconds': time.process_time() - cpu0,
        'evalSeconds': eval_seconds,
        'epochs': len(test_acc_list),
        'trainAccuracy': float(train_acc_list[-1]),
        'testAccuracy': float(test_acc_list[-1]),
        'finalLoss': float(train_loss_list[-1]),
        'network': network,
    }


def time_iterations(x_train, t_train, iters, seed, batch_size=100, learning_rate=0.1):
    """ms per training iteration (gradient, update, loss on the updated weights), no accuracy checks."""
    np.random.seed(seed)
    network = TwoLayerNet(input_size=x_train.shape[1], hidden_size=50, output_size=10)
    warmup = min(20, iters)
    for phase_iters, timed in ((warmup, False), (iters, True)):
        start = time.perf_counter()
        for _ in range(phase_iters):
            batch_mask = np.random.choice(x_train.shape[0], batch_size)
            x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
            grad = network.gradient(x_batch, t_batch)
            for key in ('W1', 'b1', 'W2', 'b2'):
                network.params[key] -= learning_rate * grad[key]
            network.loss(x_batch, t_batch)
        if timed:
            return (time.perf_counter() - start) * 1000 / iters


def blas_threads():
    return os.environ.get('OPENBLAS_NUM_THREADS') or os.environ.get('OMP_NUM_THREADS') or 'default'


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default=os.path.join(here, '..', 'media', 'mnist'))
    ap.add_argument('--iters', type=int, default=10000, help='iterations of the whole run (with per-epoch accuracy)')
    ap.add_argument('--timed-iters', type=int, default=1000, help='iterations timed without accuracy checks')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--numgrad-params', type=int, default=300, help='parameters of W1 timed with numerical_gradient')
    ap.add_argument('--eval-repeats', type=int, default=5)
    ap.add_argument('--run-only', action='store_true',
                    help='only the whole run (for the peers benchmark, scripts/peers/): no timed iterations, no numgrad')
    args = ap.parse_args()

    l0 = time.perf_counter()
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data)
    load_seconds = time.perf_counter() - l0
    if args.run_only:
        run = train(x_train, t_train, x_test, t_test, args.iters, args.seed)
        run.pop('network')
        print(json.dumps({'peer': 'numpy', 'version': np.__version__, 'threads': blas_threads(),
                          'loadSeconds': load_seconds, 'runSeconds': run['seconds'], 'cpuSeconds': run['cpuSeconds'],
                          'evalSeconds': run['evalSeconds'], 'iters': args.iters, 'epochs': run['epochs'],
                          'trainAccuracy': run['trainAccuracy'], 'testAccuracy': run['testAccuracy'],
                          'finalLoss': run['finalLoss']}))
        return
    ms_per_iter = time_iterations(x_train, t_train, args.timed_iters, args.seed)

    run = train(x_train, t_train, x_test, t_test, args.iters, args.seed)
    network = run.pop('network')

    start = time.perf_counter()
    for _ in range(args.eval_repeats):
        network.accuracy(x_train, t_train)
        network.accuracy(x_test, t_test)
    eval_ms = (time.perf_counter() - start) * 1000 / args.eval_repeats

    # The book's numerical_gradient on one batch of 100, timed over the first parameters of W1.
    np.random.seed(args.seed)
    fresh = TwoLayerNet(input_size=x_train.shape[1], hidden_size=50, output_size=10)
    batch = np.random.choice(x_train.shape[0], 100)
    x_batch, t_batch = x_train[batch], t_train[batch]
    loss_W = lambda W: fresh.loss(x_batch, t_batch)
    start = time.perf_counter()
    numerical_gradient(loss_W, fresh.params['W1'], args.numgrad_params)
    per_param = (time.perf_counter() - start) / args.numgrad_params
    param_count = sum(p.size for p in fresh.params.values())

    print(json.dumps({
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'blasThreads': blas_threads(),
        'msPerIter': ms_per_iter,
        'timedIters': args.timed_iters,
        'evalMs': eval_ms,
        'runIters': args.iters,
        'runSeconds': run['seconds'],
        'runEvalSeconds': run['evalSeconds'],
        'epochs': run['epochs'],
        'trainAccuracy': run['trainAccuracy'],
        'testAccuracy': run['testAccuracy'],
        'finalLoss': run['finalLoss'],
        'numgradTimedParams': args.numgrad_params,
        'numgradSecondsPerParam': per_param,
        'numgradParams': int(param_count),
        'numgradSecondsEstimate': per_param * param_count,
    }))


if __name__ == '__main__':
    main()
