#!/usr/bin/env python3
"""The book's run (chapter 4.5: TwoLayerNet 784-50-10, batch 100, lr 0.1, 10,000 iterations, the loss on
the updated weights every iteration, train and test accuracy once per epoch) in PyTorch on the CPU, as a
learner who knows PyTorch would write it for speed: float32 tensors, the backward pass by hand with
in-place addmm_ updates (no autograd, no nn.Module). Written for Gradient Lab's peers benchmark
(`npm run bench -- --peers`); it prints one JSON object.

usage: python3 scripts/peers/torch_run.py [--data DIR] [--iters N] [--seed N] [--threads N]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from bench_numpy import load_mnist, peer_parser  # noqa: E402  (the same idx reader as the numpy run)

import numpy as np  # noqa: E402
import torch  # noqa: E402


def main():
    ap = peer_parser(__doc__)
    ap.add_argument('--threads', type=int, default=0, help='torch.set_num_threads (0: torch\'s default)')
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    l0 = time.perf_counter()
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data)
    X = torch.from_numpy(np.ascontiguousarray(x_train))
    Xt = torch.from_numpy(np.ascontiguousarray(x_test))
    y_train = torch.from_numpy(t_train.argmax(axis=1))
    y_test = torch.from_numpy(t_test.argmax(axis=1))
    load_seconds = time.perf_counter() - l0

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    hidden, classes, batch, lr = 50, 10, 100, 0.1
    W1 = 0.01 * torch.randn(X.shape[1], hidden, generator=gen)
    b1 = torch.zeros(hidden)
    W2 = 0.01 * torch.randn(hidden, classes, generator=gen)
    b2 = torch.zeros(classes)
    train_size = X.shape[0]
    per_epoch = max(train_size / batch, 1)
    rows = torch.arange(batch)

    def accuracy(x, y):
        z1 = torch.sigmoid(torch.addmm(b1, x, W1))
        return (torch.addmm(b2, z1, W2).argmax(dim=1) == y).float().mean().item()

    losses, train_acc, test_acc = [], [], []
    eval_seconds = 0.0
    start, cpu0 = time.perf_counter(), time.process_time()
    with torch.no_grad():
        for i in range(args.iters):
            idx = torch.randint(0, train_size, (batch,), generator=gen)
            x, t = X[idx], y_train[idx]
            z1 = torch.sigmoid(torch.addmm(b1, x, W1))
            dy = torch.softmax(torch.addmm(b2, z1, W2), dim=1)
            dy[rows, t] -= 1
            dy /= batch
            dz1 = (dy @ W2.T).mul_(z1 * (1 - z1))
            W2.addmm_(z1.T, dy, alpha=-lr)
            b2.sub_(dy.sum(0), alpha=lr)
            W1.addmm_(x.T, dz1, alpha=-lr)
            b1.sub_(dz1.sum(0), alpha=lr)
            # The book records the loss on the updated weights.
            y = torch.softmax(torch.addmm(b2, torch.sigmoid(torch.addmm(b1, x, W1)), W2), dim=1)
            losses.append(-torch.log(y[rows, t] + 1e-7).mean())
            if i % per_epoch == 0:
                e0 = time.perf_counter()
                train_acc.append(accuracy(X, y_train))
                test_acc.append(accuracy(Xt, y_test))
                eval_seconds += time.perf_counter() - e0
    seconds = time.perf_counter() - start
    print(json.dumps({
        'peer': 'pytorch',
        'version': torch.__version__,
        'threads': torch.get_num_threads(),
        'loadSeconds': load_seconds,
        'runSeconds': seconds,
        'cpuSeconds': time.process_time() - cpu0,
        'evalSeconds': eval_seconds,
        'iters': args.iters,
        'epochs': len(test_acc),
        'trainAccuracy': train_acc[-1],
        'testAccuracy': test_acc[-1],
        'finalLoss': float(losses[-1]),
    }))


if __name__ == '__main__':
    main()
