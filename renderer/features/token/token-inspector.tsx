// The token inspector: each check's verdict, the expiry countdown, the service principal's
// object id (what New-ServicePrincipal -ObjectId and Add-MailboxPermission -User need), claims.
import type { TokenSection } from '../../../shared/report/model';
import { CopyButton } from '../../components/copy-button';
import { StatusIcon } from '../../components/status-icon';
import { useNow } from '../../components/use-now';
import { checkRows, claimRows, isAppOnly, servicePrincipalId, tokenExpiry } from '../../state/token-view';
import './token.css';

export function TokenInspector({ section }: { section: TokenSection }) {
  const now = useNow(1000, typeof section.claims.exp === 'number');
  const nowSec = Math.floor(now / 1000);
  const claims = section.claims;
  const hasClaims = Object.keys(claims).length > 0;
  const expiry = tokenExpiry(claims, nowSec);
  const sp = servicePrincipalId(claims);
  const rows = claimRows(claims, nowSec);
  const checks = checkRows(section);

  return (
    <section className="token-inspector" data-testid="token-inspector" aria-label="Token inspector">
      {hasClaims ? (
        <div className="token-summary">
          <div
            className={`token-expiry expiry-${expiry.state}`}
            data-testid="token-expiry"
            data-state={expiry.state}
          >
            <span className="token-expiry-label">Lifetime</span>
            <span className="token-expiry-value" aria-live="off">
              {expiry.text}
            </span>
          </div>
          <div className="token-kind">
            <span className="token-expiry-label">Kind</span>
            <span>
              {isAppOnly(claims) ? 'App-only (client credentials)' : 'Delegated (a signed-in user)'}
            </span>
          </div>
          {sp ? (
            <div className="token-sp" data-testid="service-principal-id">
              <span className="token-expiry-label">Service principal object id</span>
              <span className="token-sp-row">
                <code>{sp}</code>
                <CopyButton label="Copy the service principal object id" text={sp} />
              </span>
              <span className="token-sp-note">
                The Enterprise Application's object id: use it for <code>New-ServicePrincipal -ObjectId</code>{' '}
                and <code>Add-MailboxPermission -User</code>, not the app registration's object id.
              </span>
            </div>
          ) : null}
        </div>
      ) : null}

      <h3 className="section-title">Checks</h3>
      <ul className="token-checks" data-testid="token-checks">
        {checks.map((c) => (
          <li
            key={c.key}
            className={`token-check status-row-${c.status}`}
            data-testid={`token-check-${c.key}`}
            data-status={c.status}
          >
            <StatusIcon status={c.status} />
            <span className="token-check-label">{c.label}</span>
            <span className="token-check-summary">{c.summary}</span>
          </li>
        ))}
      </ul>

      {hasClaims ? (
        <>
          <h3 className="section-title">Claims</h3>
          <div className="table-wrap">
            <table className="claims" data-testid="token-claims">
              <caption className="offscreen">Decoded claims of the access token</caption>
              <thead>
                <tr>
                  <th scope="col">Claim</th>
                  <th scope="col">Value</th>
                  <th scope="col">Meaning</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.name}
                    className={r.highlight ? 'claim-highlight' : undefined}
                    data-claim={r.name}
                  >
                    <th scope="row">
                      <code>{r.name}</code>
                    </th>
                    <td>
                      <code className="claim-value">{r.value}</code>
                    </td>
                    <td className="claim-meaning">{r.meaning}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <p className="token-privacy">
        Decoded locally: the token goes to no server, and MailProbe keeps only its claims, never the token.
      </p>
    </section>
  );
}
