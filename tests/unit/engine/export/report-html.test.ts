// The bundle's report.html: self-contained (no script, nothing loaded), every text escaped, and
// every part of the run in its section: summary, target, findings, checks, token, transcript,
// environment.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReportHtml } from '../../../../electron/engine/export/report-html';
import { DOC_URL, HOSTILE, TOKEN_PREVIEW, emptyRun, sampleRun } from './sample-run';

const SECTIONS = ['summary', 'target', 'findings', 'checks', 'token', 'transcript', 'environment'];

/** The markup of the element with this id, up to its closing tag (sections do not nest). */
function section(html: string, id: string): string {
  const start = html.search(new RegExp(`<(section|header) id="${id}"`));
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  const end = html.indexOf(id === 'summary' ? '</header>' : '</section>', start);
  expect(end).toBeGreaterThan(start);
  return html.slice(start, end);
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('report.html', () => {
  const run = sampleRun();
  const html = renderReportHtml(run);

  it('is a UTF-8 HTML5 page with a Content-Security-Policy that forbids everything but inline style', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(count(html, /<section\b/g)).toBe(count(html, /<\/section>/g));
    expect(count(html, /<article\b/g)).toBe(count(html, /<\/article>/g));
    expect(count(html, /<div\b/g)).toBe(count(html, /<\/div>/g));
  });

  it('runs no script and loads nothing: the only URLs in markup are https documentation links', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(
      /<(link|img|iframe|object|embed|base|form|audio|video|source|svg|meta http-equiv="refresh")\b/i,
    );
    expect(html).not.toMatch(/url\(|@import|\bsrc=|srcset=|javascript:alert\(1\)"/i);
    const tagsWithUrls = [...html.matchAll(/<[^>]*>/g)]
      .map((m) => m[0])
      .filter((tag) => /https?:|\/\//i.test(tag));
    expect(tagsWithUrls).toEqual([`<a href="${DOC_URL}" rel="noopener noreferrer">`]);
    const hrefs = [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([DOC_URL]);
    // Links that are not https are shown as text only.
    expect(section(html, 'findings')).toContain('<span>http://insecure.example.com/doc</span>');
    expect(section(html, 'findings')).toContain('<span>javascript:alert(1)</span>');
  });

  it('escapes hostile server text everywhere it appears', () => {
    const escaped = escapeHtml(HOSTILE);
    expect(escaped).toBe(
      'a1 NO &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;',
    );
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(section(html, 'transcript')).toContain(escaped);
    expect(section(html, 'checks')).toContain(escaped);
    expect(section(html, 'findings')).toContain(escaped);
    expect(section(html, 'token')).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co');
    expect(section(html, 'summary')).toContain('Contoso Support (Zürich) &lt;EU&gt;');
    expect(html).toContain(escapeHtml(TOKEN_PREVIEW));
  });

  it('shows the sections in order', () => {
    const starts = SECTIONS.map((id) => html.search(new RegExp(`id="${id}"`)));
    expect(starts.every((s) => s >= 0)).toBe(true);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('summarises the run: title, profile, verdict in colour and words, times, scenario', () => {
    const summary = section(html, 'summary');
    expect(summary).toContain('<h1>MailProbe diagnostic report</h1>');
    expect(summary).toMatch(/class="verdict v-fail"><span class="verdict-word">✘ FAIL<\/span> Failed: IMAP/);
    expect(summary).toContain('2026-11-24 10:15:42 UTC');
    expect(summary).toContain('1.84 s');
    expect(summary).toContain('mailbox-permission-missing');
    expect(html).toContain(
      '<title>MailProbe diagnostic report: Contoso Support (Zürich) &lt;EU&gt; (FAIL)</title>',
    );
  });

  it('describes the target with every endpoint', () => {
    const target = section(html, 'target');
    for (const text of [
      'ops@contoso.com',
      'contoso.onmicrosoft.com',
      '8f3c2a10-5b7e-4c1d-9a2f-0e6d4b3c2a11',
      'global',
      'Client secret',
      'XOAUTH2',
      'outlook.office365.com:993</code> TLS',
      'smtp.office365.com:587</code> STARTTLS',
    ])
      expect(target).toContain(text);
    expect(target).not.toContain('POP3');
  });

  it('gives each finding its confidence, evidence, ordered fix steps, commands and links', () => {
    const findings = section(html, 'findings');
    const finding = run.report.findings[0];
    if (!finding) throw new Error('the sample has a finding');
    expect(findings).toContain(escapeHtml(finding.title));
    expect(findings).toContain('High confidence');
    expect(findings).toContain('grant.mailbox_permission_missing');
    expect(findings).toContain(finding.explanation);
    expect(findings).toMatch(
      /<ol class="fix">\n<li>Register the service principal in Exchange Online\.<\/li>\n<li>Grant it FullAccess on the mailbox\.<\/li>\n<\/ol>/,
    );
    for (const command of finding.fix.commands)
      expect(findings).toContain(`<pre class="command"><code>${escapeHtml(command)}</code></pre>`);
    expect(findings).toContain(`<li><code>${escapeHtml(HOSTILE)}</code></li>`);
  });

  it('shows a fix as its plan: kinds, the destructive mark after its check, alternatives with the recommended first, all before the evidence', () => {
    const planned = sampleRun();
    const finding = planned.report.findings[0];
    if (!finding) throw new Error('the sample has a finding');
    finding.fix = {
      steps: [],
      commands: [],
      plan: {
        steps: [
          {
            kind: 'check',
            text: 'Read the service principal first.',
            command: 'Get-ServicePrincipal -Identity <app>',
          },
          {
            kind: 'action',
            text: 'Then remove the wrong one.',
            command: 'Remove-ServicePrincipal -Identity <app>',
            destructive: true,
          },
          {
            kind: 'choice',
            text: 'Turn SMTP AUTH on, one of:',
            options: [
              {
                label: 'For this mailbox',
                recommended: true,
                steps: [
                  {
                    kind: 'action',
                    text: '',
                    command: 'Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false',
                  },
                ],
              },
              {
                label: 'For the whole organisation',
                recommended: false,
                steps: [
                  {
                    kind: 'action',
                    text: '',
                    command: 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
                    destructive: true,
                  },
                ],
              },
            ],
          },
        ],
        copyAll: ['Get-ServicePrincipal -Identity <app>'],
      },
    };
    const findings = section(renderReportHtml(planned), 'findings');
    const at = (text: string): number => findings.indexOf(text);
    expect(at('<ol class="fix plan">')).toBeGreaterThan(0);
    expect(at('<span class="kind">Check</span>')).toBeLessThan(at('<span class="kind">Change</span>'));
    expect(at('Get-ServicePrincipal')).toBeLessThan(at('Remove-ServicePrincipal'));
    expect(count(findings, /Destructive: only after the check before it/g)).toBe(2);
    expect(findings).toContain('<span class="kind">Choose one</span>');
    expect(at('For this mailbox')).toBeLessThan(at('For the whole organisation'));
    expect(count(findings, /class="recommended"/g)).toBe(1);
    expect(at('recommended')).toBeLessThan(at('For the whole organisation'));
    expect(findings).toContain('-SmtpClientAuthenticationDisabled $false');
    // Each command is its own block, never one pasted script.
    expect(count(findings, /<pre class="command">/g)).toBe(4);
    if (finding.evidence.length > 0) expect(at('What to do')).toBeLessThan(at('Why we think so'));
    expect(findings).not.toContain('<h4>Commands</h4>');
  });

  it('shows every check in protocol order with each step: status, id, duration, summary', () => {
    const checks = section(html, 'checks');
    const order = ['check-token', 'check-imap', 'check-smtp'].map((id) => checks.indexOf(`id="${id}"`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    let steps = 0;
    for (const check of run.report.checks)
      for (const step of check.steps) {
        steps += 1;
        expect(checks).toContain(`<code class="step-id">${step.id}</code>`);
        expect(checks).toContain(escapeHtml(step.summary));
      }
    expect(count(checks, /<li class="step s-/g)).toBe(steps);
    expect(checks).toMatch(
      /<li class="step s-fail">\n<div class="step-line"><span class="badge s-fail">✘ FAIL<\/span> <code class="step-id">auth<\/code> <span class="time">980 ms<\/span> <span class="summary">AUTHENTICATE XOAUTH2 was refused<\/span><\/div>/,
    );
    expect(checks).toContain('Server said:');
    expect(checks).toContain('The service principal may lack mailbox access.');
    expect(checks).toContain(
      '<span class="badge s-skipped">– SKIPPED</span> <code class="step-id">mailbox</code>',
    );
  });

  it('lists the token claims and checks, never a token', () => {
    const token = section(html, 'token');
    expect(token).toContain('<table class="claims">');
    expect(token).toContain(
      '<th scope="row"><code>oid</code></th><td><code>2b7c9d4e-1f3a-4b5c-8d6e-7f8091a2b3c4</code></td>',
    );
    expect(token).toContain('<code>[&quot;IMAP.AccessAsApp&quot;,&quot;SMTP.SendAsApp&quot;]</code>');
    expect(token).toContain('<code>1795519542</code> <span class="muted">(2026-11-24 11:25:42 UTC)</span>');
    expect(token).toContain('<code>audience</code> Audience is Exchange Online');
    expect(token).toContain('IMAP.AccessAsApp is granted');
    expect(token).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('shows each transcript line with its prefix and a class per direction', () => {
    const transcript = section(html, 'transcript');
    const entries = run.report.checks.flatMap((c) => c.transcript);
    expect(count(transcript, /<div class="l d-[csie]">/g)).toBe(entries.length);
    for (const entry of entries) {
      const [first = ''] = entry.text.split('\n');
      expect(transcript).toContain(escapeHtml(first));
    }
    expect(transcript).toContain(
      `<div class="l d-c"><span class="p">+   152 ms  auth          C:</span> ${escapeHtml(`a1 AUTHENTICATE XOAUTH2 user=ops@contoso.com auth=Bearer ${TOKEN_PREVIEW}`)}</div>`,
    );
    expect(transcript).toContain(
      `<div class="l d-s"><span class="p">+  1130 ms  auth          S:</span> ${escapeHtml(HOSTILE)}</div>`,
    );
    expect(transcript).toContain('<div class="l d-i"><span class="p">+     0 ms  dns           --</span>');
    expect(transcript).toContain('<div class="l d-e"><span class="p">+  1131 ms  auth          !!</span>');
    // The multi-line token request keeps its lines.
    expect(transcript).toContain(
      '/oauth2/v2.0/token\nclient_secret=&lt;redacted&gt;&amp;grant_type=client_credentials',
    );
    const order = ['transcript-token', 'transcript-imap', 'transcript-smtp'].map((id) =>
      transcript.indexOf(id),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('describes the environment', () => {
    const environment = section(html, 'environment');
    for (const text of [
      '0.1.0 (electron)',
      'win32 10.0.22631 (x64)',
      '22.20.0',
      '45.3.4',
      '142.0.7444.59',
      'connect 10.00 s, greeting 15.00 s, command 30.00 s',
      '1.2',
      'C:\\certs\\corp-root.pem',
      'direct',
    ])
      expect(environment).toContain(text);
  });

  it('has print styles and a system font, all inline', () => {
    expect(html).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);
    expect(html).toContain('system-ui');
    expect(count(html, /<style>/g)).toBe(1);
    expect(html).not.toMatch(/\bstyle="/);
  });

  it('renders a run with no checks, no token and no findings', () => {
    const empty = renderReportHtml(emptyRun());
    for (const id of SECTIONS) expect(empty).toContain(`id="${id}"`);
    expect(section(empty, 'checks')).toContain('No check was run.');
    expect(section(empty, 'token')).toContain('No token was inspected in this run.');
    expect(section(empty, 'findings')).toContain('No known cause matched');
    expect(section(empty, 'transcript')).toContain('No check was run.');
    expect(section(empty, 'target')).toContain('<dt>Tenant</dt><dd><span class="muted">not set</span></dd>');
    expect(section(empty, 'environment')).toContain(
      '<dt>Electron</dt><dd><span class="muted">not set</span></dd>',
    );
    expect(section(empty, 'summary')).not.toContain('Lab scenario');
    expect(empty).not.toMatch(/<script/i);
  });

  it('shows control characters from a server as escapes', () => {
    const report = sampleRun().report;
    report.checks[0]?.transcript.push({
      t: 500,
      dir: 's',
      step: 'auth',
      text: '250 ok\u001b[2J\u202eevil\rX',
    });
    const page = renderReportHtml(sampleRun(report));
    expect(page).toContain('250 ok\\x1b[2J\\u202eevil\\x0dX');
    // eslint-disable-next-line no-control-regex -- checking that none are left
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
  });
});
