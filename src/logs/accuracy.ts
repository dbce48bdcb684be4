// Grouping accuracy (GA), the metric of the log-parsing literature (Zhu et al., ICSE-SEIP 2019;
// Loghub): a line counts as correctly parsed when the set of lines sharing its predicted
// template is exactly the set of lines sharing its ground-truth template.
import { createLogAnalyzer } from './analyze.js';

/** GA in [0, 1] for parallel arrays of predicted and ground-truth template ids. */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly (string | number)[]): number {
  if (predicted.length !== truth.length) throw new Error('predicted and truth must have the same length');
  if (predicted.length === 0) return 1;
  const truthSize = new Map<string | number, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const groups = new Map<string | number, (string | number)[]>();
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    let g = groups.get(p);
    if (!g) groups.set(p, (g = []));
    g.push(truth[i]!);
  }
  let correct = 0;
  for (const members of groups.values()) {
    const first = members[0]!;
    if (members.every((t) => t === first) && truthSize.get(first) === members.length) correct += members.length;
  }
  return correct / predicted.length;
}

/**
 * Mines `lines` as `opsbot logs parse` does (every line through the analyzer, ids resolved once
 * all are in) and measures GA against `truth`, with the number of templates found and true.
 */
export function measureGrouping(lines: readonly string[], truth: readonly string[]): { ga: number; found: number; truth: number } {
  const analyzer = createLogAnalyzer();
  const raw = lines.map((l) => analyzer.pushLine(l) ?? 0);
  const predicted = raw.map((id) => analyzer.resolve(id));
  return { ga: groupingAccuracy(predicted, truth), found: new Set(predicted).size, truth: new Set(truth).size };
}
