/**
 * chart.js as every page uses it: the line-chart parts registered once (a page registers what else it
 * draws: the labs their bars and scatter plots), and the options every chart shares.
 */
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

export { Chart };

/** Every chart: drawn at once (the pages redraw it as data or a lab's inputs change), filling its sized box. */
export const CHART_BASE = { animation: false, responsive: true, maintainAspectRatio: false } as const;
