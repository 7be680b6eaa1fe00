/** A status word with its colour; the text carries the meaning, so colour-blind users lose nothing. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function healthClass(score: number): string {
  if (score >= 90) return 'good';
  if (score >= 60) return 'warn';
  return 'bad';
}

export function HealthScore({ score }: { score: number }) {
  return (
    <span className={`health health-${healthClass(score)}`} aria-label={`health score ${score} of 100`}>
      {score}
    </span>
  );
}

/** Error budget left as a bar: full green, draining to red; overspent shows empty and red. */
export function BudgetBar({ ratio, label }: { ratio: number | null; label?: string }) {
  if (ratio === null) return <span className="muted">no data</span>;
  const clamped = Math.max(0, Math.min(1, ratio));
  const tone = ratio >= 0.5 ? 'good' : ratio >= 0.1 ? 'warn' : 'bad';
  const text = `${(ratio * 100).toFixed(1)}%`;
  return (
    <span className="budget" title={label ? `${label}: ${text} of the error budget left` : `${text} of the error budget left`}>
      <span className="budget-track" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(clamped * 100)} aria-label={`${label ?? 'error budget'} left`}>
        <span className={`budget-fill tone-${tone}`} style={{ width: `${clamped * 100}%` }} />
      </span>
      <span className={`budget-text tone-${tone}`}>{text}</span>
    </span>
  );
}
