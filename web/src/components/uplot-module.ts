// uPlot with its stylesheet, as one chunk the dashboard loads with its first chart (charts.tsx loadUplot): the overview's
// rows show before it arrives, and pages without a chart never load it
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export default uPlot;
