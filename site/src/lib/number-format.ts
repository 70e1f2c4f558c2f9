/**
 * Numbers as the site prints them in US English (12,345 · 99.5 · +4.2%), without Intl. The first
 * `Intl.NumberFormat` a page creates loads the browser's ICU number data: 20–40 ms of main
 * thread measured in Chromium here, four times that on a throttled phone, in one task before a
 * chart page can answer a tap. These functions give what `Intl.NumberFormat('en-US', …)` gives
 * for the options the site uses (a unit test holds them to it), rounding half away from zero on
 * the number's shortest decimal form as ICU does.
 */

/** How a number is written. */
export interface NumberStyle {
  /** At most this many digits after the point (trailing zeros dropped). Default 3. */
  maxFractionDigits?: number;
  /** A percent of a ratio: 0.425 → 42.5%. */
  percent?: boolean;
  /** `exceptZero`: + before a positive number, no sign on zero. Default: − on negatives only. */
  sign?: 'auto' | 'exceptZero';
}

/** The integer and fraction digits of a non-negative finite number's shortest decimal form. */
function decimalDigits(abs: number): { int: string; frac: string } {
  const text = abs.toString();
  const exponent = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) {
    const [int = '0', frac = ''] = text.split('.');
    return { int, frac };
  }
  // 1.5e-7 or 1e+21: move the point by the exponent.
  const digits = `${exponent[1] ?? ''}${exponent[2] ?? ''}`;
  const point = 1 + Number(exponent[3]);
  if (point <= 0) return { int: '0', frac: `${'0'.repeat(-point)}${digits}` };
  const padded = digits.padEnd(point, '0');
  return { int: padded.slice(0, point), frac: padded.slice(point) };
}

/** Adds one to a string of decimal digits. */
function increment(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i -= 1) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
}

/** `value` written as `Intl.NumberFormat('en-US', …)` writes it, for the options above. */
export function formatNumber(value: number, style: NumberStyle = {}): string {
  const maxFraction = style.maxFractionDigits ?? 3;
  const negative = value < 0 || Object.is(value, -0);
  if (Number.isNaN(value)) return style.percent ? 'NaN%' : 'NaN';
  let int: string;
  let frac: string;
  if (!Number.isFinite(value)) {
    int = '∞';
    frac = '';
  } else {
    ({ int, frac } = decimalDigits(Math.abs(value)));
    if (style.percent) {
      const moved = frac.padEnd(2, '0');
      int = `${int}${moved.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
      frac = moved.slice(2);
    }
    if (frac.length > maxFraction) {
      const up = (frac[maxFraction] ?? '0') >= '5';
      const kept = `${int}${frac.slice(0, maxFraction)}`;
      const rounded = up ? increment(kept) : kept;
      int = rounded.slice(0, rounded.length - maxFraction) || '0';
      frac = rounded.slice(rounded.length - maxFraction);
    }
    frac = frac.replace(/0+$/, '');
    int = int.replace(/\B(?=(\d{3})+$)/g, ',');
  }
  const zero = /^[0,]*$/.test(int) && frac === '';
  const sign =
    style.sign === 'exceptZero' ? (zero ? '' : negative ? '-' : '+') : negative ? '-' : '';
  return `${sign}${int}${frac ? `.${frac}` : ''}${style.percent ? '%' : ''}`;
}
