// The test message's default subject: "MailProbe test 20261124T101542-3FA9C2D1", unique, so the
// message is easy to find by eye too. The app prefills its form with one and the engine makes one
// when none is given; both from here.
const PREFIX = 'MailProbe test ';
const UNIQUE = /^MailProbe test \d{8}T\d{6}-[0-9A-F]{8}$/;

/** "20261124T101542-3FA9C2D1": the time to the second, and 32 random bits. */
export function uniqueToken(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${stamp}-${random.toUpperCase()}`;
}

export function subjectFor(token: string): string {
  return `${PREFIX}${token}`;
}

export function uniqueSubject(now = new Date()): string {
  return subjectFor(uniqueToken(now));
}

export function isUniqueSubject(subject: string): boolean {
  return UNIQUE.test(subject.trim());
}
