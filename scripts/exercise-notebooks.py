"""Writes media/exercises/{en,ko}/gradient_lab_ch4.ipynb, the notebook form of the chapter-4 exercise:
a markdown cell per task (with the book's section numbers) and the .py template's functions, TODOs
included, as code cells. Run from the repository root after changing a .py template:

    python3 scripts/exercise-notebooks.py

test/unit/tutorialNotebook.test.ts checks that the notebooks' code is the templates' code.
"""
import json, re, sys
def code(src): return {"cell_type":"code","execution_count":None,"metadata":{},"outputs":[],"source":src.rstrip("\n").splitlines(True)}
def md(src): return {"cell_type":"markdown","metadata":{},"source":src.rstrip("\n").splitlines(True)}
def defs(path):
    text=open(path,encoding='utf-8').read()
    body=text.split('\nif __name__')[0]
    parts=re.split(r'\n(?=def )', body)
    out={}
    for p in parts[1:]:
        name=re.match(r'def (\w+)',p).group(1)
        out[name]=p.strip('\n')
    return out
T={
'en':{
 'title':"""# Gradient Lab: chapter 4 exercises

*Deep Learning from Scratch*, chapter 4. Replace each `TODO` in the code cells with your code, then click
**Check my solution** above a function (or **Check all exercises** above the first code cell). The checks run
the code cells of this notebook, top to bottom, down to the exercise's cell — your unsaved edits included — call
your functions with the book's inputs and compare the results with the book's numbers;
`cross_entropy_error_grad` is compared with a numerical gradient of your own `cross_entropy_error`.
A failed check says what came back and what to try. No Jupyter kernel is needed.""",
 'setup':"# gradient-lab-exercise: ch4\nimport numpy as np",
 'sse':"""## 4.2.1 Sum of squares error

$E = \\frac{1}{2} \\sum_k (y_k - t_k)^2$ — `y` is the network's output (softmax probabilities), `t` the one-hot label.
With the book's example 1 (`y` favours "2", the label is 2) it is 0.0975; with example 2 (`y` favours "7") 0.5975.""",
 'cee':"""## 4.2.2 Cross entropy error, 4.2.4 as a mini-batch

$E = -\\sum_k t_k \\log(y_k + \\delta)$ with $\\delta = 10^{-7}$, so that `log(0)` never happens. For a mini-batch of $N$ rows
(4.2.4) the loss is the average, $E = -\\frac{1}{N} \\sum_n \\sum_k t_{nk} \\log(y_{nk} + \\delta)$; a 1-D `y` is one example,
reshaped into one row first. The book's examples give 0.510825457099338 and 2.302584092994546.""",
 'grad':"""## The gradient of the cross entropy error

What 4.4 computes numerically, by hand: $\\frac{\\partial E}{\\partial y_{nk}} = -\\frac{t_{nk}}{N\\,(y_{nk} + \\delta)}$.
It is checked against the numerical gradient of *your* `cross_entropy_error`, on one example and on a batch of 2.""",
 'diff':"""## 4.3.1 Numerical differentiation

The central difference $\\frac{f(x+h) - f(x-h)}{2h}$ with $h = 10^{-4}$ (not `1e-50`: `x + h == x` in floating point).
For the book's $f(x) = 0.01x^2 + 0.1x$ it gives 0.1999999999990898 at $x = 5$ and 0.2999999999986347 at $x = 10$.""",
 'ngrad':"""## 4.4 Gradient

The vector of all partial derivatives: for each element of `x`, the central difference with that element moved by $\\pm h$,
then the element put back. For `function_2` $= x_0^2 + x_1^2$: (3, 4) → [6, 8], (0, 2) → [0, 4], (3, 0) → [6, 0].""",
 'descent':"""## 4.4.1 Gradient descent

$x \\leftarrow x - \\eta \\nabla f(x)$, `step_num` times. From (−3, 4) with $\\eta = 0.1$ and 100 steps it ends near (0, 0);
$\\eta = 10$ diverges and $\\eta = 10^{-10}$ barely moves, as in the book.""",
 'try':"""## Try it

Cells below the exercises are yours: they are not run by the checks. With a Jupyter kernel, run this cell
(the book prints `[6. 8.]`).""",
 'trycode':"def function_2(x):\n    return np.sum(x ** 2)\n\nprint(numerical_gradient(function_2, np.array([3.0, 4.0])))",
},
'ko':{
 'title':"""# Gradient Lab: 4장 연습 문제

*밑바닥부터 시작하는 딥러닝* 4장. 코드 셀의 `TODO` 자리에 코드를 작성한 다음, 함수 위의 **내 풀이 검사**를 누르세요
(첫 코드 셀 위의 **모든 연습 문제 검사**는 전부 검사합니다). 검사는 이 노트북의 코드 셀을 위에서부터 연습 문제의 셀까지
실행하고(저장하지 않은 수정도 포함), 책에 나온 입력으로 여러분의 함수를 호출해 결과를 책의 값과 비교합니다.
`cross_entropy_error_grad`는 여러분이 작성한 `cross_entropy_error`를 수치 미분한 기울기와 비교합니다.
검사에 실패하면 어떤 값이 나왔는지, 무엇을 확인하면 되는지 알려 줍니다. Jupyter 커널은 필요 없습니다.""",
 'setup':"# gradient-lab-exercise: ch4\nimport numpy as np",
 'sse':"""## 4.2.1 오차제곱합

$E = \\frac{1}{2} \\sum_k (y_k - t_k)^2$ — `y`는 신경망의 출력(소프트맥스 확률), `t`는 원-핫 정답 레이블입니다.
책의 예 1(`y`가 "2"를 가장 높게 추정, 정답 2)에서는 0.0975, 예 2(`y`가 "7"을 추정)에서는 0.5975입니다.""",
 'cee':"""## 4.2.2 교차 엔트로피 오차, 4.2.4 미니배치용

$E = -\\sum_k t_k \\log(y_k + \\delta)$, $\\delta = 10^{-7}$은 `log(0)`이 되지 않도록 더하는 작은 값입니다. $N$개 행의 미니배치(4.2.4)에서는
평균 $E = -\\frac{1}{N} \\sum_n \\sum_k t_{nk} \\log(y_{nk} + \\delta)$이고, 1차원 `y`는 데이터 하나이므로 먼저 한 행으로 바꿉니다.
책의 두 예는 0.510825457099338과 2.302584092994546입니다.""",
 'grad':"""## 교차 엔트로피 오차의 기울기

4.4에서 수치로 구하는 것을 손으로: $\\frac{\\partial E}{\\partial y_{nk}} = -\\frac{t_{nk}}{N\\,(y_{nk} + \\delta)}$.
여러분이 작성한 `cross_entropy_error`의 수치 미분 기울기와 데이터 하나, 배치 2개로 비교합니다.""",
 'diff':"""## 4.3.1 수치 미분

중심 차분 $\\frac{f(x+h) - f(x-h)}{2h}$, $h = 10^{-4}$ (`1e-50`이 아닙니다: 부동소수점에서 `x + h == x`가 됩니다).
책의 $f(x) = 0.01x^2 + 0.1x$에서 $x = 5$일 때 0.1999999999990898, $x = 10$일 때 0.2999999999986347입니다.""",
 'ngrad':"""## 4.4 기울기

모든 편미분을 모은 벡터: `x`의 원소마다 그 원소를 $\\pm h$만큼 움직여 중심 차분을 구하고, 원소를 원래 값으로 되돌립니다.
`function_2` $= x_0^2 + x_1^2$에서 (3, 4) → [6, 8], (0, 2) → [0, 4], (3, 0) → [6, 0]입니다.""",
 'descent':"""## 4.4.1 경사법(경사 하강법)

$x \\leftarrow x - \\eta \\nabla f(x)$를 `step_num`번 반복합니다. (−3, 4)에서 $\\eta = 0.1$로 100번이면 (0, 0) 가까이에 도착하고,
$\\eta = 10$은 발산하며 $\\eta = 10^{-10}$은 거의 움직이지 않습니다. 책과 같습니다.""",
 'try':"""## 직접 해 보기

연습 문제 아래의 셀은 여러분의 것입니다. 검사에서는 실행하지 않습니다. Jupyter 커널이 있으면 이 셀을 실행해 보세요
(책의 결과: `[6. 8.]`).""",
 'trycode':"def function_2(x):\n    return np.sum(x ** 2)\n\nprint(numerical_gradient(function_2, np.array([3.0, 4.0])))",
}}
for loc in ['en','ko']:
    d=defs(f'media/exercises/{loc}/gradient_lab_ch4.py'); t=T[loc]
    cells=[md(t['title']),code(t['setup']),md(t['sse']),code(d['sum_squares_error']),md(t['cee']),code(d['cross_entropy_error']),
      md(t['grad']),code(d['cross_entropy_error_grad']),md(t['diff']),code(d['numerical_diff']),md(t['ngrad']),code(d['numerical_gradient']),
      md(t['descent']),code(d['gradient_descent']),md(t['try']),code(t['trycode'])]
    for i,c in enumerate(cells): c['id']='gl-ch4-%02d'%i
    nb={"cells":cells,"metadata":{"kernelspec":{"display_name":"Python 3","language":"python","name":"python3"},"language_info":{"name":"python"},"gradientLab":{"exercise":"ch4"}},"nbformat":4,"nbformat_minor":5}
    open(f'media/exercises/{loc}/gradient_lab_ch4.ipynb','w',encoding='utf-8').write(json.dumps(nb,indent=1,ensure_ascii=False)+"\n")
