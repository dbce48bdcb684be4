// Grouping accuracy (GA), the metric of the log-parsing literature (Zhu et al., ICSE-SEIP 2019;
// Loghub): a line counts as correctly parsed when the set of lines sharing its predicted
// template is exactly the set of lines sharing its ground-truth template.

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
