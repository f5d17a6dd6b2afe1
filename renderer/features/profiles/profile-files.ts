// Profiles to and from JSON files: a download of the exported JSON, a file picked by the user.
export function downloadJson(filename: string, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.className = 'offscreen';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

export function exportFilename(now = new Date()): string {
  return `mailprobe-profiles-${now.toISOString().slice(0, 10)}.json`;
}
