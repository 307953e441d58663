/** confusion[true][predicted]: how often each digit was taken for each other digit. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[][] {
  if (labels.length !== predicted.length)
    throw new Error(`confusionMatrix: ${labels.length} labels but ${predicted.length} predictions`);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/** The diagonal over the total: the same number as accuracy. */
export function confusionAccuracy(m: number[][]): number {
  let right = 0;
  let all = 0;
  m.forEach((row, i) => row.forEach((n, j) => ((all += n), i === j && (right += n))));
  return all ? right / all : NaN;
}
