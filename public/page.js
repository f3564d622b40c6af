// The page at /: a form for a task profile, the advice as a chart and in words, and a sample run on real
// pools. Plain DOM, no framework; Chart.js (loaded before this module, as a classic script) and highlight.js
// come from the package's own dependencies, served by the same server. Nothing here sets inline markup styles
// or runs inline script, so the content security policy holds.
import hljs from '/vendor/highlight/core.min.js';
import python from '/vendor/highlight/python.min.js';
import javascript from '/vendor/highlight/javascript.min.js';

hljs.registerLanguage('python', python);
hljs.registerLanguage('javascript', javascript);

const { Chart } = globalThis;
const $ = (id) => document.getElementById(id);

// ---- numbers, as the service writes them (src/format.ts) ----

function fmt(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1).replace(/\.0$/, '');
  if (abs >= 0.01 || abs === 0) return value.toFixed(2).replace(/\.?0+$/, '');
  return String(Number(value.toPrecision(2)));
}

function fmtMs(ms) {
  if (ms < 1000) return `${fmt(ms)} ms`;
  if (ms < 120_000) return `${fmt(ms / 1000)} s`;
  if (ms < 7_200_000) return `${fmt(ms / 60_000)} min`;
  return `${fmt(ms / 3_600_000)} h`;
}

function fmtBound(n) {
  return n >= 1e10 ? n.toExponential().replace('e+', 'e') : n.toLocaleString('en-US');
}

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const percent = (share) => `${Math.round(share * 100)}%`;

/** The same plan kind: a model, and what runs inside it (async and hybrid come in two kinds). */
function sameKind(a, b) {
  return a.model === b.model && (a.inner ?? null) === (b.inner ?? null);
}

/** A loop handing its CPU to threads, and a hybrid of event loops, read apart from their other kind (short: a chart label on a phone). */
function innerNote(plan) {
  if (plan.model === 'async' && plan.inner === 'threads') return 'CPU on threads';
  if (plan.model === 'hybrid' && plan.inner === 'async') return 'a loop per process';
  return undefined;
}

/** A plan's sizes in words, with plurals: "1 process", "4 processes × 2 threads". */
function sizes(plan) {
  switch (plan.model) {
    case 'sequential':
      return 'one task at a time';
    case 'threads':
      return plural(plan.threadsPerProcess, 'thread');
    case 'async':
      return `${plural(plan.threadsPerProcess, 'task')} in flight${plan.cpuThreads ? `, CPU on ${plural(plan.cpuThreads, 'thread')}` : ''}`;
    case 'processes':
      return `${plural(plan.processes, 'process', 'processes')}, ${plural(plan.chunkSize, 'task')} per message`;
    case 'hybrid':
      return `${plural(plan.processes, 'process', 'processes')} × ${plan.inner === 'async' ? `${plural(plan.threadsPerProcess, 'task')} in flight on its event loop` : plural(plan.threadsPerProcess, 'thread')}, ${plural(plan.chunkSize, 'task')} per message`;
    default:
      return '';
  }
}

// ---- the form, built from the profile's JSON Schema (GET /profile-form.json) ----

/** Each field the page asks for: its place in the profile, its label, and where it goes in the form. */
const FIELDS = [
  { path: 'tasks', label: 'Tasks', group: 'batch' },
  { path: 'runtime', label: 'Runtime', group: 'batch' },
  { path: 'cores', label: 'Cores', group: 'batch' },
  { path: 'cpuMsPerTask', label: 'CPU per task (ms)', group: 'cost', basis: 'declared' },
  { path: 'waitMsPerTask', label: 'Wait per task (ms)', group: 'cost', basis: 'declared' },
  { path: 'measurement.wallMs', label: 'Wall time of one sequential run (ms)', group: 'cost', basis: 'measured' },
  { path: 'measurement.cpuMs', label: 'CPU time of that run (ms)', group: 'cost', basis: 'measured' },
  { path: 'measurement.tasks', label: 'Tasks in that run', group: 'cost', basis: 'measured' },
  { path: 'workload', label: 'Kind of work', group: 'cost', basis: 'workload' },
  { path: 'gilReleasedShare', label: 'Share of CPU time that releases the GIL (0 to 1)', group: 'native' },
  { path: 'payloadBytesPerTask', label: 'Payload per task (bytes)', group: 'native' },
  { path: 'threadsPerTask', label: 'Native threads per task', group: 'native' },
  { path: 'maxConcurrency', label: 'Most tasks at once (the downstream allows)', group: 'limits' },
  { path: 'maxRatePerSecond', label: 'Most tasks per second (the downstream allows)', group: 'limits' },
  { path: 'memoryMbPerWorker', label: 'Memory per worker process (MB)', group: 'limits' },
  { path: 'memoryLimitMb', label: 'Memory the batch may use (MB)', group: 'limits' },
  { path: 'deadlineMs', label: 'Deadline for the batch (ms)', group: 'limits' },
  { path: 'sharedState', label: 'State the tasks share', group: 'limits' },
  { path: 'needsIsolation', label: 'Isolate tasks: one may crash or leak', group: 'limits' },
  { path: 'blockingWaits', label: 'The waits block (plain calls, not await)', group: 'limits' },
];

const BASES = [
  { id: 'declared', label: 'CPU and wait per task' },
  { id: 'measured', label: 'A measured run' },
  { id: 'workload', label: 'A kind of work' },
];

const form = $('profile-form');
/** path -> { field, schema, input, error } */
const controls = new Map();
let profileSchema;

function schemaAt(path) {
  return path.split('.').reduce((schema, key) => schema?.properties?.[key], profileSchema);
}

function idOf(path) {
  return `f-${path.replace('.', '-')}`;
}

/** The help text of a field: the schema's description, its bounds and its default. */
function helpText(schema) {
  const parts = [schema.description ?? ''];
  const low = schema.exclusiveMinimum !== undefined ? `more than ${fmtBound(schema.exclusiveMinimum)}` : schema.minimum !== undefined ? fmtBound(schema.minimum) : undefined;
  if (low !== undefined && schema.maximum !== undefined) parts.push(`From ${low} to ${fmtBound(schema.maximum)}${schema.type === 'integer' ? ', whole numbers' : ''}.`);
  if (schema.default !== undefined && typeof schema.default !== 'boolean') parts.push(`Default: ${schema.default}.`);
  return parts.filter(Boolean).join(' ');
}

/** A sentence of the service's, with its `backticked` names as code. */
function prose(text) {
  return text.split(/`([^`]*)`/).map((part, i) => (i % 2 === 1 ? element('code', { text: part }) : part));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined));
  return node;
}

function buildField(field) {
  const schema = schemaAt(field.path);
  const id = idOf(field.path);
  const help = element('p', { class: 'help', id: `${id}-help` }, ...prose(helpText(schema)));
  const error = element('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const described = `${id}-help ${id}-error`;
  let input;
  if (schema.type === 'boolean') {
    input = element('input', { type: 'checkbox', id, name: field.path, 'aria-describedby': described });
    const wrap = element('div', { class: 'field check' }, input, element('label', { for: id, text: field.label }), help, error);
    controls.set(field.path, { field, schema, input, error, wrap });
    return wrap;
  }
  if (schema.enum) {
    input = element('select', { id, name: field.path, 'aria-describedby': described });
    const blank = schema.default !== undefined ? `${schema.default} (default)` : 'choose one';
    input.append(element('option', { value: '', text: blank }));
    for (const value of schema.enum) if (value !== schema.default) input.append(element('option', { value, text: value }));
  } else {
    input = element('input', {
      type: 'number',
      id,
      name: field.path,
      inputmode: schema.type === 'integer' ? 'numeric' : 'decimal',
      min: schema.minimum ?? schema.exclusiveMinimum,
      max: schema.maximum,
      step: schema.type === 'integer' ? 1 : 'any',
      'aria-describedby': described,
    });
  }
  const wrap = element('div', { class: 'field' }, element('label', { for: id, text: field.label }), input, help, error);
  controls.set(field.path, { field, schema, input, error, wrap });
  return wrap;
}

function buildForm() {
  const group = (name) => FIELDS.filter((field) => field.group === name).map(buildField);
  const basisRadios = element(
    'div',
    { class: 'basis', role: 'radiogroup', 'aria-label': 'Where the per-task cost comes from' },
    ...BASES.map(({ id, label }) =>
      element('label', {}, element('input', { type: 'radio', name: 'basis', value: id, checked: id === 'declared' }), ` ${label}`),
    ),
  );
  const more = element(
    'details',
    { class: 'more', id: 'more' },
    element('summary', { text: 'Native code, data, limits and constraints' }),
    element(
      'div',
      {},
      element('fieldset', {}, element('legend', { text: 'Native code and data' }), ...group('native')),
      element('fieldset', {}, element('legend', { text: 'Limits and constraints' }), ...group('limits')),
    ),
  );
  $('form-fields').replaceChildren(
    element('fieldset', {}, element('legend', { text: 'The batch' }), ...group('batch')),
    element('fieldset', {}, element('legend', { text: 'What one task costs' }), basisRadios, ...group('cost')),
    more,
  );
  form.addEventListener('change', (event) => {
    if (event.target.name === 'basis') showBasis();
  });
  showBasis();
}

function basis() {
  return form.querySelector('input[name="basis"]:checked')?.value ?? 'declared';
}

function showBasis() {
  const chosen = basis();
  for (const { field, wrap } of controls.values()) if (field.basis) wrap.hidden = field.basis !== chosen;
}

/** The profile the form holds: only fields with a value, and only the chosen source of per-task cost. */
function readProfile() {
  const profile = {};
  const chosen = basis();
  for (const [path, { field, schema, input }] of controls) {
    if (field.basis && field.basis !== chosen) continue;
    let value;
    if (schema.type === 'boolean') value = input.checked ? true : undefined;
    else if (schema.enum) value = input.value === '' ? undefined : input.value;
    else value = input.value.trim() === '' ? undefined : Number(input.value);
    if (value === undefined) continue;
    const [head, tail] = path.split('.');
    if (tail) profile[head] = { ...profile[head], [tail]: value };
    else profile[head] = value;
  }
  return profile;
}

function fillForm(profile) {
  form.reset();
  const chosen = profile.workload !== undefined ? 'workload' : profile.measurement !== undefined ? 'measured' : 'declared';
  form.querySelector(`input[name="basis"][value="${chosen}"]`).checked = true;
  showBasis();
  let advanced = false;
  for (const [path, { field, schema, input }] of controls) {
    const [head, tail] = path.split('.');
    const value = tail ? profile[head]?.[tail] : profile[head];
    if (value === undefined) continue;
    if (schema.type === 'boolean') input.checked = value === true;
    else input.value = schema.enum && value === schema.default ? '' : String(value);
    if (field.group === 'native' || field.group === 'limits') advanced = true;
  }
  $('more').open = advanced;
}

// ---- the profile in the address: ?tasks=500&cpuMsPerTask=100&measurement.wallMs=... ----

function toQuery(profile) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(profile)) {
    if (value !== null && typeof value === 'object') for (const [sub, inner] of Object.entries(value)) params.set(`${key}.${sub}`, String(inner));
    else params.set(key, String(value));
  }
  return params.toString();
}

/**
 * The profile a link holds, typed by the schema; keys the form has no field for are reported, not sent (the
 * form sends only what its fields hold, so a key without one would be dropped without a word).
 */
function fromQuery(search) {
  const profile = {};
  const unknown = [];
  for (const [key, text] of new URLSearchParams(search)) {
    const schema = controls.get(key)?.schema;
    if (!schema) {
      unknown.push(key);
      continue;
    }
    const value = schema.type === 'boolean' ? text === 'true' : schema.type === 'integer' || schema.type === 'number' ? Number(text) : text;
    const [head, tail] = key.split('.');
    if (tail) profile[head] = { ...profile[head], [tail]: value };
    else profile[head] = value;
  }
  return { profile, unknown };
}

// ---- talking to the API ----

class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

async function postJson(url, body) {
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: 'The server did not answer: check that it is running and reachable.' });
  }
  const reply = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, reply, Number(response.headers.get('retry-after')) || undefined);
  return reply;
}

const PROBLEM_TITLES = {
  0: 'No answer',
  400: 'The server refused the profile',
  413: 'The profile is too large',
  415: 'The request was not JSON',
  429: 'Too many sample runs from this address',
  502: 'A worker failed during the sample',
  503: 'The server cannot take this now',
  504: 'The sample ran out of time',
};

function clearFieldErrors() {
  for (const { input, error } of controls.values()) {
    input.removeAttribute('aria-invalid');
    error.hidden = true;
    error.textContent = '';
  }
}

/** Shows an error reply: its message, each bad field beside its input, and when to retry. */
function showProblem(box, error, retryButton) {
  const title = `${PROBLEM_TITLES[error.status] ?? 'Something went wrong'}${error.status ? ` (${error.status}${error.body?.code ? ` ${error.body.code}` : ''})` : ''}`;
  const parts = [element('h2', { text: title }), element('p', { text: error.message })];
  const issues = error.body?.issues ?? [];
  if (issues.length > 0) {
    parts.push(element('ul', {}, ...issues.map((issue) => element('li', {}, element('code', { text: issue.path }), `: ${issue.message}`))));
  }
  for (const issue of issues) {
    const control = controls.get(issue.path.replace(/^profile\./, ''));
    if (!control) continue;
    control.input.setAttribute('aria-invalid', 'true');
    control.error.textContent = issue.message;
    control.error.hidden = false;
    if (control.field.group === 'native' || control.field.group === 'limits') $('more').open = true;
  }
  if (error.retryAfter && retryButton) {
    const retry = element('p', {});
    parts.push(retry);
    holdUntilRetry(retryButton, retry, error.retryAfter);
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}

/** Keeps a button off until the server's Retry-After has passed, counting down in words. */
function holdUntilRetry(button, line, seconds) {
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (left <= 0) {
      button.disabled = false;
      line.textContent = 'You can try again now.';
      return;
    }
    line.textContent = `The server asks to wait ${plural(left, 'second')} before trying again.`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

// ---- the answer ----

const state = { profile: undefined, advice: undefined, sample: undefined, view: 'batch' };
let chart;

function renderAdvice(advice) {
  const r = advice.recommendation;
  const sequential = advice.estimates.find((e) => e.model === 'sequential');
  const headline = $('headline');
  if (r.model === 'sequential') {
    headline.replaceChildren('Run the tasks ', element('span', { class: 'model', text: 'sequentially' }), `: predicted ${fmtMs(r.predictedWallMs)}; no pool gains enough to be worth it.`);
  } else {
    headline.replaceChildren(
      'Use ',
      element('span', { class: 'model', text: r.model }),
      ` (${sizes(r)}): predicted ${fmtMs(r.predictedWallMs)}, ${fmt(r.predictedSpeedup)}× faster than sequential${sequential ? ` (${fmtMs(sequential.predictedWallMs)})` : ''}.`,
    );
  }
  const c = advice.classification;
  const res = advice.resolved;
  $('work').textContent =
    `${c.kind} work (${percent(c.cpuShare)} CPU, ${c.basis}): ${plural(res.tasks, 'task')} of ${fmt(res.cpuMsPerTask)} ms CPU + ${fmt(res.waitMsPerTask)} ms wait, ` +
    `on ${plural(res.cores, 'core')}, ${res.runtime}.`;

  $('estimates').tBodies[0].replaceChildren(
    ...advice.estimates.map((e) => {
      const recommended = sameKind(e, r);
      const note = e.viable ? (recommended ? 'recommended' : (e.reason ?? '')) : `not viable: ${(e.reason ?? '').replace(/^Not viable:\s*/, '')}`;
      const row = element(
        'tr',
        { class: recommended ? 'recommended' : e.viable ? undefined : 'not-viable' },
        element('td', { text: e.model }),
        element('td', { 'data-label': 'Sizes', text: sizes(e) }),
        element('td', { class: 'num', 'data-label': 'Predicted', text: fmtMs(e.predictedWallMs) }),
        element('td', { class: 'num', 'data-label': 'Speed-up', text: `${fmt(e.predictedSpeedup)}×` }),
        element('td', { 'data-label': 'Set by', text: e.bottleneck }),
        element('td', { 'data-label': 'Note', text: note }),
      );
      return row;
    }),
  );
  $('rationale').replaceChildren(...advice.rationale.map((line) => element('li', {}, ...prose(line))));
  $('warnings').replaceChildren(...advice.warnings.map((line) => element('li', {}, ...prose(line))));
  $('warnings-section').hidden = advice.warnings.length === 0;
  $('practices').replaceChildren(...advice.practices.flatMap((p) => [element('dt', { text: p.title }), element('dd', {}, ...prose(p.detail))]));

  const code = $('snippet');
  code.textContent = advice.snippet.code;
  code.className = `language-${advice.snippet.language}`;
  code.removeAttribute('data-highlighted');
  hljs.highlightElement(code);

  $('sample-result').hidden = true;
  $('sample-problem').hidden = true;
  $('sample-status').textContent = '';
  $('view-switch').hidden = true;
  $('answer').hidden = false;
  state.view = 'batch';
  drawChart();
}

// ---- the chart ----

const COLOURS = { recommended: '#0b6e4f', viable: '#6c8ebf', predicted: '#9db7dd', measured: '#e07b39', notViable: '#b9c0ca' };

/** Diagonal stripes for a model that is not viable, so it reads as such without colour too. */
function stripes() {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const context = tile.getContext('2d');
  context.fillStyle = '#eef0f3';
  context.fillRect(0, 0, 8, 8);
  context.strokeStyle = COLOURS.notViable;
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(0, 8);
  context.lineTo(8, 0);
  context.stroke();
  return context.createPattern(tile, 'repeat');
}

/** Log scale when the bars span a decade or more, so the short ones stay visible. */
function spansDecades(values) {
  const positive = values.filter((v) => v > 0);
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) >= 10;
}

function chartSpec() {
  if (state.view === 'sample' && state.sample) {
    const s = state.sample;
    // Multi-line labels: the marks go under the model's name, so a narrow chart keeps room for the bars.
    const label = (row) => [row.model, ...(s.recommendedRan && row.model === s.recommended ? ['(recommended)'] : []), ...(row.model === s.fastest ? ['(fastest)'] : [])];
    return {
      labels: s.rows.map(label),
      datasets: [
        { label: 'predicted', data: s.rows.map((row) => row.predictedWallMs), backgroundColor: COLOURS.predicted },
        { label: 'measured', data: s.rows.map((row) => row.measuredWallMs), backgroundColor: COLOURS.measured },
      ],
      notes: s.rows.map((row) => `prediction error ${row.predictionError >= 0 ? '+' : '−'}${percent(Math.abs(row.predictionError))}`),
      what: `Wall time of the sample on this server, predicted and measured`,
      more: `${$('verdict').textContent} The sample's table, under "Check it on real pools", has the same figures.`,
    };
  }
  const a = state.advice;
  const pattern = stripes();
  const estimates = a.estimates;
  return {
    labels: estimates.map((e) => [
      e.model,
      ...(innerNote(e) ? [`(${innerNote(e)})`] : []),
      ...(sameKind(e, a.recommendation) ? ['(recommended)'] : e.viable ? [] : ['(not viable)']),
    ]),
    datasets: [
      {
        label: 'predicted',
        data: estimates.map((e) => e.predictedWallMs),
        backgroundColor: estimates.map((e) => (!e.viable ? pattern : sameKind(e, a.recommendation) ? COLOURS.recommended : COLOURS.viable)),
        borderColor: estimates.map((e) => (e.viable ? 'transparent' : '#8a94a3')),
        borderWidth: estimates.map((e) => (e.viable ? 0 : 1)),
      },
    ],
    notes: estimates.map((e) => `${sizes(e)}; set by ${e.bottleneck}${e.reason ? `. ${e.viable ? '' : 'Not viable: '}${e.reason.replace(/^Not viable:\s*/, '')}` : ''}`),
    what: 'Predicted wall time of your batch for each model',
    more: 'The table below has the same figures.',
  };
}

/** Writes each bar's time at its end (a Chart.js plugin: the library draws no value labels itself). */
const barValues = {
  id: 'barValues',
  afterDatasetsDraw(instance) {
    const { ctx } = instance;
    ctx.save();
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = '#1d2430';
    ctx.textBaseline = 'middle';
    instance.data.datasets.forEach((dataset, d) => {
      for (const [i, bar] of instance.getDatasetMeta(d).data.entries()) {
        ctx.fillText(fmtMs(dataset.data[i]), bar.x + 4, bar.y);
      }
    });
    ctx.restore();
  },
};

function drawChart() {
  const spec = chartSpec();
  const values = spec.datasets.flatMap((d) => d.data);
  const log = spansDecades(values);
  chart?.destroy();
  const box = $('chart-box');
  const bars = spec.labels.length * spec.datasets.length;
  // CSSOM, not a style attribute: the content security policy allows it.
  box.style.height = `${Math.max(11, 3 + bars * 1.9 + spec.labels.length * 0.6)}rem`;
  const smallest = Math.min(...values.filter((v) => v > 0));
  chart = new Chart($('chart'), {
    type: 'bar',
    plugins: [barValues],
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // Room for the time written after the longest bar.
      layout: { padding: { right: 56 } },
      plugins: {
        legend: { display: spec.datasets.length > 1, position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${fmtMs(item.raw)}`,
            afterLabel: (item) => spec.notes[item.dataIndex],
          },
        },
      },
      scales: {
        x: {
          type: log ? 'logarithmic' : 'linear',
          beginAtZero: !log,
          // A log axis starts at the power of ten below the shortest bar, so that bar has a length to see.
          min: log ? 10 ** Math.floor(Math.log10(smallest)) : undefined,
          title: { display: true, text: `wall time${log ? ' (log scale)' : ''}` },
          ticks: {
            maxRotation: 0,
            // On a log axis, label the round values only: 1, 2 and 5 times a power of ten (1 and 10 on a phone).
            callback(value) {
              if (!log) return fmtMs(Number(value));
              const mantissa = Math.round(Number(value) / 10 ** Math.floor(Math.log10(Number(value))));
              return (this.chart.width < 500 ? [1] : [1, 2, 5]).includes(mantissa) ? fmtMs(Number(value)) : '';
            },
          },
        },
        y: { ticks: { autoSkip: false } },
      },
    },
  });
  const summary = spec.labels.map((label, i) => `${label.join(' ')}: ${spec.datasets.map((d) => `${d.label} ${fmtMs(d.data[i])}`).join(', ')}`).join('; ');
  $('chart').setAttribute('aria-label', `${spec.what}. ${summary}.`);
  $('chart-caption').textContent = `${spec.what}${log ? ', on a log scale (the times span a factor of 10 or more)' : ''}. ${spec.more}`;
  $('view-batch').setAttribute('aria-pressed', String(state.view === 'batch'));
  $('view-sample').setAttribute('aria-pressed', String(state.view === 'sample'));
}

function showView(view) {
  state.view = view;
  drawChart();
}

// ---- the sample ----

function renderSample(result) {
  const recommended = result.rows.find((row) => row.model === result.recommended);
  const fastest = result.rows.find((row) => row.model === result.fastest);
  const verdict = $('verdict');
  const meaning = '"Agree" means the recommended model measured within 10% of the fastest.';
  if (!result.recommendedRan) {
    verdict.className = 'verdict';
    verdict.textContent = `Not measured: the recommended ${result.recommended} for this sample is a kind no sample pool runs (see the notes); of what ran, ${result.fastest} measured fastest (${fmtMs(fastest.measuredWallMs)}).`;
  } else if (result.agree) {
    verdict.className = 'verdict agree';
    verdict.textContent =
      result.recommended === result.fastest
        ? `Agree: ${result.recommended}, recommended for this sample, measured fastest (${fmtMs(fastest.measuredWallMs)}). ${meaning}`
        : `Agree: ${result.recommended}, recommended for this sample, measured ${fmtMs(recommended.measuredWallMs)}, within 10% of the fastest, ${result.fastest} (${fmtMs(fastest.measuredWallMs)}). ${meaning}`;
  } else {
    const slower = recommended.measuredWallMs / fastest.measuredWallMs - 1;
    verdict.className = 'verdict disagree';
    verdict.textContent = `Disagree: ${result.recommended} was recommended for this sample, but ${result.fastest} measured fastest (${fmtMs(fastest.measuredWallMs)}); ${result.recommended} took ${percent(slower)} longer (${fmtMs(recommended.measuredWallMs)}). ${meaning}`;
  }
  const over = result.rows.filter((row) => row.predictionError > 0.1).map((row) => row.model);
  const under = result.rows.filter((row) => row.predictionError < -0.1).map((row) => row.model);
  const close = result.rows.filter((row) => Math.abs(row.predictionError) <= 0.1).map((row) => row.model);
  const list = (models) => (models.length > 0 ? models.join(', ') : 'none');
  $('error-sign').textContent =
    `Prediction error is predicted ÷ measured − 1: positive when the model expected a longer run than was measured, negative when it expected a shorter one. ` +
    `Predicted more than 10% too long: ${list(over)}. More than 10% too short: ${list(under)}. Within 10%: ${list(close)}.`;
  const s = result.sample;
  $('sample-caption').textContent = `The sample: ${plural(s.tasks, 'task')} of ${fmt(s.cpuMsPerTask)} ms CPU + ${fmt(s.waitMsPerTask)} ms wait on this server's ${plural(result.cores, 'core')}${s.gil ? ', threads under an emulated GIL' : ''}`;
  $('sample-table').tBodies[0].replaceChildren(
    ...result.rows.map((row) => {
      const sign = row.predictionError > 0 ? '+' : row.predictionError < 0 ? '−' : '';
      const words = row.predictionError > 0 ? 'predicted too long' : row.predictionError < 0 ? 'predicted too short' : 'exact';
      // The row of the recommended model is the recommended plan only when that plan ran (see recommendedRan).
      const isRecommended = result.recommendedRan && row.model === result.recommended;
      return element(
        'tr',
        { class: isRecommended ? 'recommended' : undefined },
        element('td', { text: `${row.model}${isRecommended ? ' (recommended)' : ''}` }),
        element('td', { class: 'num', 'data-label': 'Predicted', text: fmtMs(row.predictedWallMs) }),
        element('td', { class: 'num', 'data-label': 'Measured', text: fmtMs(row.measuredWallMs) }),
        element('td', { class: 'num', 'data-label': 'Error', text: `${sign}${percent(Math.abs(row.predictionError))} (${words})` }),
      );
    }),
  );
  $('sample-notes').replaceChildren(
    element('li', { text: "The sample's recommendation is for this server's cores and the sample's size, so it can differ from your batch's." }),
    ...result.notes.map((note) => element('li', { text: note })),
  );
  $('sample-result').hidden = false;
  $('view-switch').hidden = false;
  showView('sample');
}

async function runSample() {
  const button = $('sample-button');
  button.disabled = true;
  $('sample-problem').hidden = true;
  $('sample-status').textContent = 'Running the sample on every model (a few seconds; this server runs one job at a time)…';
  try {
    state.sample = await postJson('/jobs/compare', { profile: state.profile });
    $('sample-status').textContent = '';
    renderSample(state.sample);
    button.disabled = false;
  } catch (error) {
    $('sample-status').textContent = '';
    showProblem($('sample-problem'), error, button);
    if (!error.retryAfter) button.disabled = false;
  }
}

// ---- asking for advice ----

async function askAdvice(profile, { push, focus }) {
  const button = $('advise-button');
  clearFieldErrors();
  $('problem').hidden = true;
  button.disabled = true;
  try {
    const advice = await postJson('/advise', profile);
    state.profile = profile;
    state.advice = advice;
    state.sample = undefined;
    const url = `${location.pathname}?${toQuery(profile)}`;
    if (push && `${location.pathname}${location.search}` !== url) history.pushState(null, '', url);
    $('share-link').href = url;
    renderAdvice(advice);
    button.disabled = false;
    if (focus) $('answer-title').focus();
  } catch (error) {
    showProblem($('problem'), error, button);
    if (!error.retryAfter) button.disabled = false;
  }
}

async function copyText(text, status, fallbackNode) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied.';
  } catch {
    // No clipboard API (plain HTTP off localhost) or no permission: select it for the person to copy.
    const range = document.createRange();
    range.selectNodeContents(fallbackNode);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = document.execCommand('copy') ? 'Copied.' : 'Selected: press Ctrl+C (or ⌘C) to copy.';
  }
}

async function loadFromAddress({ focus }) {
  if (location.search.length <= 1) return;
  const { profile, unknown } = fromQuery(location.search);
  fillForm(profile);
  await askAdvice(readProfile(), { push: false, focus });
  if (unknown.length === 0) return;
  // Said after the advice, which empties the box first; a refused profile's message keeps its place above it.
  const box = $('problem');
  const line = element('p', {
    text: `The link has ${unknown.join(', ')}, which this form has no field for: ${unknown.length === 1 ? 'it was' : 'they were'} left out of the profile sent.`,
  });
  if (box.hidden) box.replaceChildren(element('h2', { text: 'Part of the link was left out' }), line);
  else box.append(line);
  box.hidden = false;
}

async function start() {
  const reply = await fetch('/profile-form.json').then((response) => response.json());
  profileSchema = reply.profile;
  buildForm();
  $('example-buttons').replaceChildren(
    ...reply.examples.map((example) => {
      const button = element('button', { type: 'button', text: example.label });
      button.addEventListener('click', () => {
        fillForm(example.profile);
        askAdvice(readProfile(), { push: true, focus: false });
      });
      return button;
    }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    askAdvice(readProfile(), { push: true, focus: true });
  });
  form.addEventListener('reset', () => {
    clearFieldErrors();
    setTimeout(showBasis);
  });
  $('sample-button').addEventListener('click', runSample);
  $('view-batch').addEventListener('click', () => showView('batch'));
  $('view-sample').addEventListener('click', () => showView('sample'));
  $('copy-button').addEventListener('click', () => copyText(state.advice.snippet.code, $('copy-status'), $('snippet')));
  $('share-button').addEventListener('click', () => copyText($('share-link').href, $('share-status'), $('share-link')));
  window.addEventListener('popstate', () => loadFromAddress({ focus: false }));
  document.body.dataset.ready = 'true';
  await loadFromAddress({ focus: false });
}

start();
