# Gradient Lab: chapter 4 exercises (Deep Learning from Scratch, chapter 4)
# gradient-lab-exercise: ch4
#
# Replace each TODO with your code, then click "Check my solution" above a function.
# The checks call your functions with the book's inputs and compare the results with the
# book's numbers; cross_entropy_error_grad is compared with a numerical gradient of your
# own cross_entropy_error and of the book's. A failed check says what came back and what to try.
import numpy as np


def sum_squares_error(y, t):
    """E = 1/2 * sum over k of (y_k - t_k)**2"""
    # TODO: return the sum of squares error of y (the network output) and t (one-hot label)
    raise NotImplementedError("TODO: sum_squares_error")


def cross_entropy_error(y, t):
    """E = -sum(t * log(y + delta)) / N with delta = 1e-7; t is one-hot, shaped like y.

    y holds one example per row. A 1-D y is a single example: reshape y and t into one row
    first (y.reshape(1, y.size)), so that N = y.shape[0] = 1.
    """
    # TODO: return the (batch) cross entropy error
    raise NotImplementedError("TODO: cross_entropy_error")


def cross_entropy_error_grad(y, t):
    """dE/dy of cross_entropy_error above: an array shaped like y."""
    # TODO: differentiate -sum(t * log(y + delta)) / N with respect to each element of y
    raise NotImplementedError("TODO: cross_entropy_error_grad")


def numerical_diff(f, x):
    """The derivative of f at x by the central difference, h = 1e-4."""
    # TODO: (f(x + h) - f(x - h)) / (2 * h)
    raise NotImplementedError("TODO: numerical_diff")


def numerical_gradient(f, x):
    """The gradient of f at x (a float array), one partial derivative per element.

    For each element: keep its value, evaluate f with it raised by h and lowered by h,
    then put the value back.
    """
    # TODO: return an array shaped like x
    raise NotImplementedError("TODO: numerical_gradient")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """x <- x - lr * numerical_gradient(f, x), step_num times from init_x; return x."""
    # TODO: use your numerical_gradient
    raise NotImplementedError("TODO: gradient_descent")


if __name__ == "__main__":
    # Try things out here (python gradient_lab_ch4.py). The book's function_2 and a call:
    def function_2(x):
        return np.sum(x ** 2)

    print(numerical_gradient(function_2, np.array([3.0, 4.0])))  # the book prints [6. 8.]
