// Servers that echo credentials, inject plain text after STARTTLS, trickle a reply forever or
// never answer LOGOUT: each case found by review, each kept from coming back.
import { afterEach, describe, expect, it } from 'vitest';
import { runCheckJson, runCli } from './support/cli';
import { startScriptedServer, type TestServer } from './support/hostile-servers';

const PASSWORD = 'Echo-Me-If-You-Dare-42';
let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

function smtpArgs(port: number, ...extra: string[]): string[] {
  return [
    '--mailbox',
    'carol@example.test',
    '--password-env',
    'MP_PW',
    '--smtp',
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(port),
    '--smtp-security',
    'none',
    ...extra,
  ];
}

describe('a server that echoes the credential', () => {
  it('never gets it into the report, the findings or the terminal', async () => {
    server = await startScriptedServer('220 echo.example ESMTP\r\n', (line) => {
      if (/^EHLO/i.test(line)) return '250-echo.example\r\n250 AUTH PLAIN LOGIN\r\n';
      if (/^AUTH PLAIN (\S+)/i.test(line))
        return `535 5.7.8 Authentication failed for ${line.slice(11)} (${PASSWORD})\r\n`;
      if (/^QUIT/i.test(line)) return '221 bye\r\n';
      return '500 what\r\n';
    });
    const json = await runCheckJson(smtpArgs(server.port), { MP_PW: PASSWORD });
    const human = await runCli(['check', ...smtpArgs(server.port)], { MP_PW: PASSWORD });
    expect(json.code).toBe(1);
    const everything = json.stdout + json.stderr + human.stdout + human.stderr;
    expect(everything).not.toContain(PASSWORD);
    // Not even inside the echoed base64 of "\0carol@example.test\0<password>".
    for (const m of everything.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g))
      expect(Buffer.from(m[0], 'base64').toString('latin1')).not.toContain('Dare-42');
    expect(
      json.report.checks.find((c) => c.protocol === 'smtp')?.steps.find((s) => s.id === 'auth')?.status,
    ).toBe('fail');
  });
});

describe('plain text injected after STARTTLS', () => {
  it('fails the starttls step and sends no credential', async () => {
    server = await startScriptedServer('220 mitm.example ESMTP\r\n', (line) => {
      if (/^EHLO/i.test(line)) return '250-mitm.example\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n';
      if (/^STARTTLS/i.test(line)) return '220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n';
      return undefined;
    });
    const { report } = await runCheckJson(
      [
        '--mailbox',
        'carol@example.test',
        '--password-env',
        'MP_PW',
        '--smtp',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(server.port),
        '--smtp-security',
        'starttls',
      ],
      { MP_PW: PASSWORD },
    );
    const smtp = report.checks.find((c) => c.protocol === 'smtp');
    const starttls = smtp?.steps.find((s) => s.id === 'starttls');
    expect(starttls?.status).toBe('fail');
    expect(starttls?.detail.code).toBe('STARTTLS_INJECTION');
    expect(smtp?.transcript.some((e) => e.dir === 'c' && /^AUTH/.test(e.text))).toBe(false);
    expect(report.findings[0]?.cause).toBe('network.proxy_interference');
  });
});

describe('a reply that trickles forever', () => {
  it('is cut at the greeting timeout, not after a thousand lines', async () => {
    server = await startScriptedServer(null, () => undefined);
    // Replace the silent server by one that sends a continuation line every 100 ms.
    await server.stop();
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const trickle = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      const timer = setInterval(() => socket.write('220-still greeting\r\n'), 100);
      socket.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    const address = trickle.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = Date.now();
      const { report } = await runCheckJson(smtpArgs(port, '--greeting-timeout-ms', '800'), {
        MP_PW: PASSWORD,
      });
      expect(Date.now() - started).toBeLessThan(6000);
      const greeting = report.checks
        .find((c) => c.protocol === 'smtp')
        ?.steps.find((s) => s.id === 'greeting');
      expect(greeting?.status).toBe('fail');
      expect(greeting?.summary).toMatch(/800 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => trickle.close(() => resolve()));
    }
  });
});

describe('an IMAP server that floods untagged lines during login', () => {
  it("is cut at the step's own timeout, not at a multiple of it", async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    // A greeting without capabilities; then, to CAPABILITY, untagged lines every 50 ms and never a tagged answer.
    const flood = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write('* OK flood server ready\r\n');
      let timer: NodeJS.Timeout | null = null;
      socket.on('data', () => {
        timer ??= setInterval(() => socket.write('* OK still thinking\r\n'), 50);
      });
      socket.on('close', () => {
        if (timer) clearInterval(timer);
      });
    });
    await new Promise<void>((resolve) => flood.listen(0, '127.0.0.1', resolve));
    const address = flood.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = Date.now();
      const { report } = await runCheckJson(
        [
          '--mailbox',
          'a@example.test',
          '--password-env',
          'MP_PW',
          '--imap',
          '--imap-host',
          '127.0.0.1',
          '--imap-port',
          String(port),
          '--imap-security',
          'none',
          '--command-timeout-ms',
          '800',
        ],
        { MP_PW: PASSWORD },
      );
      const took = Date.now() - started;
      const failed = report.checks.find((c) => c.protocol === 'imap')?.steps.find((s) => s.status === 'fail');
      expect(failed?.summary).toMatch(/800 ms/);
      // One command timeout (plus the start of the process), not the whole login budget of greeting
      // (15 s by default) + 4 x command: a bound on the wait, not a measure of speed.
      expect(took).toBeLessThan(6000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => flood.close(() => resolve()));
    }
  });
});
