#!/usr/bin/env python3
"""The book's run (chapter 4.5: TwoLayerNet 784-50-10, batch 100, lr 0.1, 10,000 iterations, the loss on
the updated weights every iteration, train and test accuracy once per epoch) in JAX on the CPU, as a
learner who knows JAX would write it for speed: float32, jax.grad of the book's loss, one jitted
lax.scan per epoch (compiled before the clock starts: `compileSeconds` says what that cost).
Written for Gradient Lab's peers benchmark (`npm run bench -- --peers`); it prints one JSON object.

usage: python3 scripts/peers/jax_run.py [--data DIR] [--iters N] [--seed N]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from bench_numpy import load_mnist, peer_parser  # noqa: E402  (the same idx reader as the numpy run)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def main():
    args = peer_parser(__doc__).parse_args()

    l0 = time.perf_counter()
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data)
    X, Xt = jnp.asarray(x_train), jnp.asarray(x_test)
    y_train, y_test = jnp.asarray(t_train.argmax(axis=1)), jnp.asarray(t_test.argmax(axis=1))
    load_seconds = time.perf_counter() - l0

    hidden, batch, lr = 50, 100, 0.1
    train_size = X.shape[0]
    per_epoch = max(train_size / batch, 1)
    key, k1, k2 = jax.random.split(jax.random.PRNGKey(args.seed), 3)
    params = {
        'W1': 0.01 * jax.random.normal(k1, (X.shape[1], hidden), jnp.float32),
        'b1': jnp.zeros(hidden, jnp.float32),
        'W2': 0.01 * jax.random.normal(k2, (hidden, 10), jnp.float32),
        'b2': jnp.zeros(10, jnp.float32),
    }

    def predict(p, x):
        z1 = jax.nn.sigmoid(x @ p['W1'] + p['b1'])
        return jax.nn.softmax(z1 @ p['W2'] + p['b2'], axis=1)

    def loss(p, x, t):
        y = predict(p, x)
        return -jnp.mean(jnp.log(y[jnp.arange(x.shape[0]), t] + 1e-7))

    def step(X, y, carry, _):
        p, k = carry
        k, sub = jax.random.split(k)
        idx = jax.random.randint(sub, (batch,), 0, train_size)
        x, t = X[idx], y[idx]
        g = jax.grad(loss)(p, x, t)
        p = jax.tree_util.tree_map(lambda w, d: w - lr * d, p, g)
        return (p, k), loss(p, x, t)  # the book records the loss on the updated weights

    def steps(n):
        # The images are arguments, not constants baked into the compiled code.
        return jax.jit(lambda p, k, X, y: jax.lax.scan(lambda c, _: step(X, y, c, _), (p, k), None, length=n))

    def accuracies(p, X, y, Xt, yt):
        return (jnp.mean(jnp.argmax(predict(p, X), 1) == y), jnp.mean(jnp.argmax(predict(p, Xt), 1) == yt))

    # The book's loop evaluates after iteration i when i % per_epoch == 0: runs of steps between checks.
    checks = [i for i in range(args.iters) if i % per_epoch == 0]
    chunks = [b - a for a, b in zip([-1] + checks, checks)] + [args.iters - 1 - checks[-1]]
    c0 = time.perf_counter()
    compiled = {n: steps(n).lower(params, key, X, y_train).compile() for n in set(chunks) if n > 0}
    evaluate = jax.jit(accuracies).lower(params, X, y_train, Xt, y_test).compile()
    compile_seconds = time.perf_counter() - c0

    eval_seconds = 0.0
    train_acc = test_acc = final_loss = None
    start, cpu0 = time.perf_counter(), time.process_time()
    for i, n in enumerate(chunks):
        if n > 0:
            (params, key), losses = compiled[n](params, key, X, y_train)
        if i < len(checks):
            jax.block_until_ready(params)  # dispatch is asynchronous: the steps finish before the check's clock
            e0 = time.perf_counter()
            train_acc, test_acc = (float(a) for a in evaluate(params, X, y_train, Xt, y_test))
            eval_seconds += time.perf_counter() - e0
    final_loss = float(losses[-1])
    seconds = time.perf_counter() - start
    print(json.dumps({
        'peer': 'jax',
        'version': jax.__version__,
        'threads': 'default',
        'loadSeconds': load_seconds,
        'compileSeconds': compile_seconds,
        'runSeconds': seconds,
        'cpuSeconds': time.process_time() - cpu0,
        'evalSeconds': eval_seconds,
        'iters': args.iters,
        'epochs': len(checks),
        'trainAccuracy': train_acc,
        'testAccuracy': test_acc,
        'finalLoss': final_loss,
    }))


if __name__ == '__main__':
    main()
