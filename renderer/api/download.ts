// Files handed to the browser as downloads (its own save prompt or downloads folder): the
// profiles export, and in browser mode the diagnostic bundle the main process sends back.
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.className = 'offscreen';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the file before it is released.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

export function downloadFile(fileName: string, base64: string, type = 'application/zip'): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  downloadBlob(fileName, new Blob([bytes], { type }));
}
