# Gradient Lab: 4장 연습 문제 (밑바닥부터 시작하는 딥러닝 4장)
# gradient-lab-exercise: ch4
#
# TODO 자리에 코드를 작성한 다음, 함수 위의 "내 풀이 검사"를 누르세요.
# 검사는 책에 나온 입력으로 여러분의 함수를 호출하고 결과를 책의 값과 비교합니다.
# cross_entropy_error_grad는 여러분이 작성한 cross_entropy_error와 책의 것을 수치 미분한
# 기울기와 비교합니다. 검사에 실패하면 어떤 값이 나왔는지, 무엇을 확인하면 되는지 알려 줍니다.
import numpy as np


def sum_squares_error(y, t):
    """E = 1/2 * (y_k - t_k)**2 의 k에 대한 합 (오차제곱합)"""
    # TODO: y(신경망의 출력)와 t(원-핫 정답 레이블)의 오차제곱합을 반환하세요
    raise NotImplementedError("TODO: sum_squares_error")


def cross_entropy_error(y, t):
    """E = -sum(t * log(y + delta)) / N, delta = 1e-7. t는 y와 모양이 같은 원-핫 레이블입니다.

    y는 한 행에 데이터 하나입니다. 1차원 y는 데이터 하나이므로 먼저 y와 t를 한 행으로
    바꾸세요(y.reshape(1, y.size)). 그러면 N = y.shape[0] = 1이 됩니다.
    """
    # TODO: (배치용) 교차 엔트로피 오차를 반환하세요
    raise NotImplementedError("TODO: cross_entropy_error")


def cross_entropy_error_grad(y, t):
    """위 cross_entropy_error의 y에 대한 기울기 dE/dy: y와 모양이 같은 배열."""
    # TODO: -sum(t * log(y + delta)) / N 을 y의 각 원소로 미분하세요
    raise NotImplementedError("TODO: cross_entropy_error_grad")


def numerical_diff(f, x):
    """중심 차분으로 구한 x에서 f의 미분, h = 1e-4."""
    # TODO: (f(x + h) - f(x - h)) / (2 * h)
    raise NotImplementedError("TODO: numerical_diff")


def numerical_gradient(f, x):
    """x(실수 배열)에서 f의 기울기: 원소마다 편미분 하나.

    원소마다 원래 값을 보관하고, h만큼 올린 값과 내린 값으로 f를 계산한 뒤
    원래 값으로 되돌립니다.
    """
    # TODO: x와 모양이 같은 배열을 반환하세요
    raise NotImplementedError("TODO: numerical_gradient")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """init_x에서 시작해 x <- x - lr * numerical_gradient(f, x)를 step_num번 반복하고 x를 반환합니다."""
    # TODO: 직접 작성한 numerical_gradient를 사용하세요
    raise NotImplementedError("TODO: gradient_descent")


if __name__ == "__main__":
    # 여기서 직접 실행해 볼 수 있습니다(python gradient_lab_ch4.py). 책의 function_2로 호출하는 예:
    def function_2(x):
        return np.sum(x ** 2)

    print(numerical_gradient(function_2, np.array([3.0, 4.0])))  # 책의 결과: [6. 8.]
