// Browser mode has no save dialog: a file the main process sends back is handed to the browser
// as a download (the browser's own save prompt or downloads folder).
export function downloadFile(fileName: string, base64: string, type = 'application/zip'): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the file before it is released.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
