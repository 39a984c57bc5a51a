/** A progress line on stderr, at most once a second and once at the end. */
export function progressPrinter(label: string, format: (n: number) => string = String): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 1_000) return;
    last = now;
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    process.stderr.write(`${label}: ${format(done)} / ${format(total)} (${percent}%)\n`);
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
