/** How every text, Markdown and HTML report writes a count: one function, so the notation is one. */

/** A whole number with thousands separators (`12,345`); JSON keeps raw numbers. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, frac] = String(Math.abs(n)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}
