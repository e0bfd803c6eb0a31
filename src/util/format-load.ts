/** A load average in at most four characters: "0.42", "12.3", "250". */
export function formatLoad(load: number): string {
  if (load < 10) return load.toFixed(2);
  if (load < 100) return load.toFixed(1);
  return String(Math.round(load));
}
