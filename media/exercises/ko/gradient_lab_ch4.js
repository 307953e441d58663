// Gradient Lab: 4장 연습 문제 (밑바닥부터 시작하는 딥러닝 4장), JavaScript 버전
// gradient-lab-exercise: ch4
//
// TODO 자리에 코드를 작성한 다음, 함수 위의 "내 풀이 검사"를 누르세요.
// 검사는 책에 나온 입력으로 여러분의 함수를 호출하고 결과를 책의 값과 비교합니다.
// crossEntropyErrorGrad는 여러분이 작성한 crossEntropyError와 책의 것을 수치 미분한
// 기울기와 비교합니다. 검사에 실패하면 어떤 값이 나왔는지, 무엇을 확인하면 되는지 알려 줍니다.
// 벡터는 숫자 배열이고, 배치는 행(배열)의 배열입니다.

/** E = 1/2 * (y[k] - t[k])**2 의 k에 대한 합 (오차제곱합) */
function sumSquaresError(y, t) {
  // TODO: y(신경망의 출력)와 t(원-핫 정답 레이블)의 오차제곱합을 반환하세요
  throw new Error('TODO: sumSquaresError');
}

/**
 * E = -sum(t * log(y + delta)) / N, delta = 1e-7. t는 y와 모양이 같은 원-핫 레이블입니다.
 * y는 데이터 하나(숫자 배열, N = 1)이거나 배치(N개 행의 배열)입니다.
 */
function crossEntropyError(y, t) {
  // TODO: (배치용) 교차 엔트로피 오차를 반환하세요
  throw new Error('TODO: crossEntropyError');
}

/** 위 crossEntropyError의 y에 대한 기울기 dE/dy: y와 모양이 같습니다(배열 또는 행의 배열). */
function crossEntropyErrorGrad(y, t) {
  // TODO: -sum(t * log(y + delta)) / N 을 y의 각 원소로 미분하세요
  throw new Error('TODO: crossEntropyErrorGrad');
}

/** 중심 차분으로 구한 x에서 f의 미분, h = 1e-4. */
function numericalDiff(f, x) {
  // TODO: (f(x + h) - f(x - h)) / (2 * h)
  throw new Error('TODO: numericalDiff');
}

/**
 * x(숫자 배열)에서 f의 기울기: 원소마다 편미분 하나.
 * 원소마다 원래 값을 보관하고, h만큼 올린 값과 내린 값으로 f를 계산한 뒤 원래 값으로 되돌립니다.
 */
function numericalGradient(f, x) {
  // TODO: x와 길이가 같은 배열을 반환하세요
  throw new Error('TODO: numericalGradient');
}

/** initX의 복사본에서 시작해 x <- x - lr * numericalGradient(f, x)를 stepNum번 반복하고 x를 반환합니다. */
function gradientDescent(f, initX, lr = 0.01, stepNum = 100) {
  // TODO: 직접 작성한 numericalGradient를 사용하세요
  throw new Error('TODO: gradientDescent');
}

module.exports = { sumSquaresError, crossEntropyError, crossEntropyErrorGrad, numericalDiff, numericalGradient, gradientDescent };
