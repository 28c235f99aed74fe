// Every operator command of the signed-in user, newest first (GET /api/lt/audit)
import { AuditList } from '../controls/audit-list.tsx';
import { paths } from '../routes.ts';

export function AuditPage() {
  return (
    <div class="page" data-testid="audit-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › Audit</p>
      <h1>Audit</h1>
      <p class="note">What you and the system commanded: creates, launches, pauses, resumes, stops, deposits, withdrawals,
        settings changes, cancels and the kill switch, each with when and its detail.</p>
      <AuditList limit={200} />
    </div>
  );
}
