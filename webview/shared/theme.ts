/** Colours from the VS Code theme (--vscode-* CSS variables), for charts and canvases. */

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  accent: string;
  error: string;
  /** A palette for series (runs), from the theme's chart colours. */
  series: string[];
  highContrast: boolean;
  dark: boolean;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function themeColors(): ThemeColors {
  const cls = document.body.classList;
  const highContrast = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light');
  const dark = cls.contains('vscode-dark') || cls.contains('vscode-high-contrast');
  const fg = cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  return {
    foreground: fg,
    muted: cssVar('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: cssVar('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    background: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    accent: cssVar('--vscode-charts-blue', '#3794ff'),
    error: cssVar('--vscode-errorForeground', '#f14c4c'),
    series: [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ],
    highContrast,
    dark,
  };
}

/** Calls `apply` whenever VS Code switches theme (it changes the body's class); returns how to stop. */
export function whenThemeChanges(apply: (c: ThemeColors) => void): () => void {
  const observer = new MutationObserver(() => apply(themeColors()));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

/** Calls `apply` now, and whenever VS Code switches theme; returns how to stop. */
export function onThemeChange(apply: (c: ThemeColors) => void): () => void {
  apply(themeColors());
  return whenThemeChanges(apply);
}

/** `color` with alpha, for faint lines (accepts #rgb, #rrggbb, rgb()/rgba()). */
export function withAlpha(color: string, alpha: number): string {
  const hex = color.match(/^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i);
  if (hex) {
    const h =
      hex[1].length === 3
        ? hex[1]
            .split('')
            .map((c) => c + c)
            .join('')
        : hex[1];
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = color.match(/^rgba?\(([^)]+)\)$/);
  if (rgb) {
    const [r, g, b] = rgb[1].split(',').map((s) => s.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}
