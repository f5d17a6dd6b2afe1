// Copies text: the async Clipboard API, else a hidden textarea and execCommand (older shells).
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the fallback where the Clipboard API is refused
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
