// The test message's default subject: "MailProbe test 20261124T101542-3FA9C2D1", unique, so the
// message is easy to find by eye too, and made anew for each message unless the user wrote one.
const UNIQUE = /^MailProbe test \d{8}T\d{6}-[0-9A-F]{8}$/;

export function uniqueSubject(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `MailProbe test ${stamp}-${random.toUpperCase()}`;
}

export function isUniqueSubject(subject: string): boolean {
  return UNIQUE.test(subject.trim());
}
