/**
 * "Test my line" and its result: a region named "Line test" with the
 * diagnosis in plain words (shared/line-test.ts) and the one action that fixes
 * what it found.
 */
import type { Diagnosis, LineFix } from '../shared/line-test';
import { t } from '../shared/i18n';

export function LineTestResult({ diagnosis, onFix, busy }: { diagnosis: Diagnosis; onFix: (fix: LineFix) => void; busy: boolean }) {
  return (
    <section class={`line-test ${diagnosis.tone}`} aria-label={t('lineTest')} aria-live="polite" aria-busy={diagnosis.tone === 'busy'}>
      {diagnosis.lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {diagnosis.fix && (
        <button class="link" disabled={busy} onClick={() => diagnosis.fix && onFix(diagnosis.fix.action)}>
          {diagnosis.fix.label}
        </button>
      )}
    </section>
  );
}
