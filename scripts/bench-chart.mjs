// The chart beside bench/results/<date>.json: an SVG drawn here, without a charting dependency.
// Top: the journey's submit → delivered latency (p50/p95/p99) per offered rate. Below, when those benches
// ran: the throughput ratios the other benchmarks report against their baselines.

const COLORS = { p50: '#4e79a7', p95: '#f28e2b', p99: '#e15759', ratio: '#59a14f', grid: '#d0d0d0' };
const WIDTH = 760;

/** Coordinates to a tenth of a pixel, so the file stays readable. */
const r1 = (v) => Math.round(v * 10) / 10;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x, y, s, attrs = '') => `<text x="${r1(x)}" y="${r1(y)}" ${attrs}>${esc(s)}</text>`;
const rect = (x, y, w, h, attrs) =>
  `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}" ${attrs}/>`;

/** Milliseconds in few characters: 734, 1.5k, 79k. */
const short = (ms) => (ms < 1000 ? String(Math.round(ms)) : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}k`);

function latencyPanel(journey, top) {
  // The ladder's steps and the fixed-rate phases, by offered rate: the curve from idle to overload.
  const phases = [
    ...(journey.ladder?.steps ?? []).map((p) => ({ ...p, label: `${p.offeredPerSecond}/s` })),
    ...(journey.fixed ?? []).map((p) => ({ ...p, label: `${p.offeredPerSecond}/s, ${p.seconds} s` })),
  ].sort((a, b) => a.offeredPerSecond - b.offeredPerSecond);
  const height = 320;
  const left = 70;
  const plotW = WIDTH - left - 30;
  const plotH = height - 110;
  const y0 = top + 50 + plotH;
  const keys = ['p50', 'p95', 'p99'];
  const values = phases.flatMap((p) => keys.map((k) => p.submitToDeliveredMs[k]).filter((v) => v !== null));
  // Logarithmic: latencies run from a tenth of a second when idle to minutes in overload.
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values, 100))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...values)));
  const y = (v) => r1(y0 - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * plotH);
  const parts = [
    text(
      20,
      top + 20,
      'Journey: submit (201) → delivered at the Fachverfahren, ms (log scale)',
      'class="title"',
    ),
  ];
  const sustained = journey.ladder?.maxSustainedPerSecond;
  const ladderNote =
    journey.ladder?.steps?.length > 0
      ? `maximum sustained rate: ${sustained === null ? `below ${journey.ladder.steps[0].offeredPerSecond}` : sustained}/s` +
        (journey.ladder.limitedBy ? ` (next step ${journey.ladder.limitedBy})` : '')
      : '';
  if (ladderNote) parts.push(text(20, top + 38, ladderNote, 'class="note"'));
  for (let v = lo; v <= hi; v *= 10) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}"/>`);
    parts.push(text(left - 8, y(v) + 4, v, 'text-anchor="end" class="axis"'));
  }
  const group = plotW / Math.max(1, phases.length);
  const bar = Math.min(40, (group * 0.7) / keys.length);
  phases.forEach((p, i) => {
    const x0 = left + i * group + (group - bar * keys.length) / 2;
    keys.forEach((k, j) => {
      const v = p.submitToDeliveredMs[k];
      const x = x0 + j * bar;
      // Not all delivered: the percentile is unbounded, drawn to the top and labelled ∞.
      const h = v === null ? plotH : y0 - y(v);
      const fill =
        v === null ? `fill="none" stroke="${COLORS[k]}" stroke-dasharray="4 3"` : `fill="${COLORS[k]}"`;
      parts.push(rect(x, y0 - h, bar - 2, h, fill));
      parts.push(
        text(
          x + (bar - 2) / 2,
          y0 - h - 4,
          v === null ? '∞' : short(v),
          'text-anchor="middle" class="value"',
        ),
      );
    });
    parts.push(text(left + i * group + group / 2, y0 + 18, p.label, 'text-anchor="middle"'));
    parts.push(
      text(
        left + i * group + group / 2,
        y0 + 34,
        `${p.deliveredPerSecond.toFixed(1)}/s${p.undelivered ? `, ${p.undelivered} late` : ''}`,
        'text-anchor="middle" class="axis"',
      ),
    );
  });
  keys.forEach((k, j) => {
    const x = WIDTH - 190 + j * 60;
    parts.push(rect(x, top + 8, 12, 12, `fill="${COLORS[k]}"`));
    parts.push(text(x + 16, top + 18, k, 'class="axis"'));
  });
  if (phases.length === 0) parts.push(text(left, top + 80, 'no journey phase ran', 'class="note"'));
  parts.push(
    text(
      left,
      y0 + 52,
      'offered rate (20 s ladder steps; the fixed-rate phases name their length), delivered rate below',
      'class="axis"',
    ),
  );
  const rec = journey.recovery;
  if (rec)
    parts.push(
      text(
        left,
        y0 + 68,
        `PostgreSQL restart: a backlog of ${rec.backlogAtReturn} drained at ${rec.drainPerSecond}/s` +
          (sustained
            ? ` (${Math.round((100 * rec.drainPerSecond) / sustained)} % of the sustained rate)`
            : '') +
          `, the first ${rec.firstAfterReturnSeconds ?? '–'} s after its return`,
        'class="axis"',
      ),
    );
  return { svg: parts.join('\n'), height: rec ? height + 16 : height };
}

/** Ratios the other benches report: ours against the baseline they measure in the same run. */
function ratioRows(benches) {
  const rows = [];
  if (benches.outbox) {
    rows.push(['outbox → Kafka → inbox vs raw kafkajs', benches.outbox.ratio]);
    rows.push(['… vs raw kafkajs with the CloudEvents headers', benches.outbox.ratioToRawWithEnvelope]);
  }
  if (benches.intake) rows.push(['intake accepted vs slowest baseline', benches.intake.ratioToSlowest]);
  if (benches.fim) rows.push(['FIM validator vs ajv (all errors)', benches.fim.ratioToAjvAllErrors]);
  return rows.filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
}

function ratioPanel(rows, top) {
  const rowH = 26;
  const height = 50 + rows.length * rowH;
  const left = 290;
  const plotW = WIDTH - left - 80;
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const x = (v) => r1(left + (v / max) * plotW);
  const parts = [
    text(20, top + 20, 'Throughput ratios of the other benchmarks (1 = baseline)', 'class="title"'),
  ];
  parts.push(
    `<line x1="${x(1)}" x2="${x(1)}" y1="${top + 30}" y2="${top + height - 8}" stroke="#888" stroke-dasharray="3 3"/>`,
  );
  rows.forEach(([label, v], i) => {
    const y = top + 34 + i * rowH;
    parts.push(text(left - 8, y + 14, label, 'text-anchor="end"'));
    parts.push(rect(left, y, x(v) - left, rowH - 8, `fill="${COLORS.ratio}"`));
    parts.push(text(x(v) + 6, y + 14, `${v.toFixed(2)}×`, 'class="value"'));
  });
  return { svg: parts.join('\n'), height };
}

/** The SVG for one results file (the object written to bench/results/<date>.json). */
export function renderChart(results) {
  const benches = results.benches ?? {};
  const sections = [];
  let top = 0;
  if (benches.journey) {
    const p = latencyPanel(benches.journey, top);
    sections.push(p.svg);
    top += p.height;
  }
  const rows = ratioRows(benches);
  if (rows.length > 0) {
    const p = ratioPanel(rows, top);
    sections.push(p.svg);
    top += p.height;
  }
  const m = results.machine ?? {};
  const footer = `${results.date ?? ''} · ${m.cpu ?? '?'} ×${m.cores ?? '?'} · ${m.memoryGiB ?? '?'} GiB · node ${m.node ?? '?'} · ${m.os ?? ''}`;
  sections.push(text(20, top + 24, footer, 'class="axis"'));
  const height = top + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.title{font-size:14px;font-weight:bold}.note{font-size:12px;fill:#444}.axis{font-size:11px;fill:#555}.value{font-size:10px;fill:#222}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...sections,
    '</svg>',
    '',
  ].join('\n');
}
