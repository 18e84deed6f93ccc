/*
 * The evaluation report for one question the model answers: accuracy, macro-F1, precision and
 * recall per class, and the confusion matrix (rows: the true label, columns: the prediction).
 */

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface HeadReport {
  head: string;
  examples: number;
  accuracy: number;
  macroF1: number;
  classes: ClassReport[];
  confusion: { labels: string[]; matrix: number[][] };
}

export function evaluatePredictions(
  head: string,
  labels: string[],
  pairs: { expected: string; predicted: string }[],
): HeadReport {
  const all = [...new Set([...labels, ...pairs.flatMap((p) => [p.expected, p.predicted])])];
  const index = new Map(all.map((label, i) => [label, i]));
  const matrix = all.map(() => all.map(() => 0));
  let correct = 0;
  for (const { expected, predicted } of pairs) {
    const row = matrix[index.get(expected) as number] as number[];
    const column = index.get(predicted) as number;
    row[column] = (row[column] as number) + 1;
    if (expected === predicted) correct++;
  }
  const classes = all.map((label, i) => {
    const truePositive = matrix[i]?.[i] as number;
    const support = (matrix[i] as number[]).reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((sum, row) => sum + (row[i] as number), 0);
    const precision = predictedCount === 0 ? 0 : truePositive / predictedCount;
    const recall = support === 0 ? 0 : truePositive / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const scored = classes.filter((c) => c.support > 0);
  return {
    head,
    examples: pairs.length,
    accuracy: pairs.length === 0 ? 0 : correct / pairs.length,
    macroF1: scored.length === 0 ? 0 : scored.reduce((sum, c) => sum + c.f1, 0) / scored.length,
    classes,
    confusion: { labels: all, matrix },
  };
}

/** The report as a plain-text table for a terminal or a Markdown code block. */
export function formatReport(report: HeadReport): string {
  const pct = (x: number) => x.toFixed(3);
  const width = Math.max(8, ...report.confusion.labels.map((l) => l.length)) + 2;
  const pad = (s: string) => s.padStart(width);
  const lines = [
    `${report.head}: ${report.examples} examples, accuracy ${pct(report.accuracy)}, macro-F1 ${pct(report.macroF1)}`,
    `${'class'.padEnd(width)}${pad('precision')}${pad('recall')}${pad('f1')}${pad('support')}`,
    ...report.classes.map(
      (c) =>
        `${c.label.padEnd(width)}${pad(pct(c.precision))}${pad(pct(c.recall))}${pad(pct(c.f1))}${pad(String(c.support))}`,
    ),
    'confusion (rows: true, columns: predicted)',
    `${''.padEnd(width)}${report.confusion.labels.map(pad).join('')}`,
    ...report.confusion.matrix.map(
      (row, i) =>
        `${(report.confusion.labels[i] as string).padEnd(width)}${row.map((n) => pad(String(n))).join('')}`,
    ),
  ];
  return lines.join('\n');
}
