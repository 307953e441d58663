# Gradient Lab: numerical_gradient as the book writes it (4.4), replayed step by step.
# Change it and replay again: forget `x[idx] = tmp_val`, set h = 1e-50, loop over range(x.size - 1)...
# (From the book's ch04/gradient_2d.py, WegraLee/deep-learning-from-scratch, MIT licence.)
import numpy as np


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


def numerical_gradient(f, x):
    h = 1e-4  # 0.0001
    grad = np.zeros_like(x)  # an array shaped like x

    for idx in range(x.size):
        tmp_val = x[idx]

        # f(x+h)
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)

        # f(x-h)
        x[idx] = tmp_val - h
        fxh2 = f(x)

        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val  # restore

    return grad
