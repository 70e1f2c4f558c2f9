// The bare reference page's script: Chart.js drawing one static line chart of 90 numbers, with
// the same registered parts the site's charts use. Lighthouse scores this page in the same run
// as the site's pages, so their figures read against what this machine gives the simplest page
// with a chart.
import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Tooltip,
  Legend,
);

const labels = Array.from({ length: 90 }, (_, i) => `Day ${i + 1}`);
const values = labels.map((_, i) => Math.round(200 + 40 * Math.sin(i / 9) + i));
const canvas = document.querySelector('canvas');
if (canvas) {
  new Chart(canvas, {
    type: 'line',
    data: { labels, datasets: [{ label: 'Installs', data: values, borderColor: '#0072b2' }] },
    options: { animation: false, maintainAspectRatio: false },
  });
}
