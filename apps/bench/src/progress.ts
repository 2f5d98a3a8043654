/**
 * The progress line of a long wait: how far a count has got towards its target and how fast it
 * moved since the line before (since `startedAt` for the first line).
 */
export function progressReporter(
  label: string,
  target: number,
  startedAt: number,
  now: () => number = Date.now,
): (count: number) => string {
  let last = { at: startedAt, count: 0 };
  return (count) => {
    const at = now();
    const seconds = (at - last.at) / 1000;
    const rate = seconds > 0 ? Math.round((count - last.count) / seconds) : 0;
    last = { at, count };
    return `${label}: ${figure(count)}/${figure(target)}, ${figure(rate)}/s over the last ${Math.round(seconds)} s`;
  };
}

function figure(value: number): string {
  return value.toLocaleString('en-US');
}
