// @ts-check
// The Hotpath results panel. Plain DOM, no inline handlers (strict CSP), messages typed by
// src/vscode/protocol.ts. Re-renders from the full job state on every message and restores
// keyboard focus to the same control afterwards. Speedup phrases arrive with the state, made
// by the host with the engine's formatter (report/format.ts speedupPhrase).
(function () {
  /** @typedef {import('../src/vscode/protocol').JobView} JobView */
  /** @typedef {import('../src/vscode/protocol').HostToWebview} HostToWebview */
  /** @typedef {import('../src/core/report/report').CandidateReport} CandidateReport */
  /** @typedef {import('../src/vscode/protocol').JobPhrases} JobPhrases */
  /** @typedef {import('../src/core/types').SizeMeasurement} SizeMeasurement */
  /** @typedef {import('../src/core/report/report').TestsSummary} TestsSummary */
  /** @typedef {import('../src/core/report/report').CandidateTests} CandidateTests */

  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  const SVG = 'http://www.w3.org/2000/svg';

  /** @type {Record<string, { icon: string; label: string }>} */
  const VERDICTS = {
    faster: { icon: '✔', label: 'Faster' },
    'not-faster': { icon: '≈', label: 'Not faster' },
    incorrect: { icon: '✘', label: 'Incorrect' },
    unsafe: { icon: '⚠', label: 'Unsafe' },
    timeout: { icon: '⏱', label: 'Timed out' },
    error: { icon: '!', label: 'Error' },
  };
  const PENDING = { icon: '…', label: 'Pending' };

  /**
   * @param {string} tag
   * @param {Record<string, string>} [attrs]
   * @param {(Node | string | null | undefined | false)[]} [children]
   * @returns {HTMLElement}
   */
  function h(tag, attrs = {}, children = []) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    for (const c of children) if (c) el.append(c);
    return el;
  }

  /**
   * @param {string} tag
   * @param {Record<string, string | number>} [attrs]
   */
  function s(tag, attrs = {}) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  }

  /** @param {number} ns */
  function time(ns) {
    if (ns < 1e3) return `${ns.toFixed(0)} ns`;
    if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
    if (ns < 1e9) return `${(ns / 1e6).toFixed(1)} ms`;
    return `${(ns / 1e9).toFixed(2)} s`;
  }

  /** @param {number} ms */
  function duration(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  }

  /**
   * Time versus input size, log-log, original and candidate.
   * @param {CandidateReport} c
   */
  function chart(c) {
    const rows = [...c.sizes].sort((a, b) => a.size - b.size).filter((r) => r.size > 0 && r.originalNs > 0 && r.candidateNs > 0);
    if (rows.length === 0) return null;
    const W = 220, H = 84, L = 6, R = 6, T = 6, B = 16;
    const xs = rows.map((r) => Math.log(r.size));
    const ys = rows.flatMap((r) => [Math.log(r.originalNs), Math.log(r.candidateNs)]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    const y0 = Math.min(...ys), y1 = Math.max(...ys);
    /** @param {number} v */
    const px = (v) => (x1 === x0 ? (L + W - R) / 2 : L + ((v - x0) / (x1 - x0)) * (W - L - R));
    /** @param {number} v */
    const py = (v) => (y1 === y0 ? H / 2 : T + (1 - (v - y0) / (y1 - y0)) * (H - T - B));
    const summary = rows.map((r) => `size ${r.size}: original ${time(r.originalNs)}, candidate ${time(r.candidateNs)}`).join('; ');
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-label': `Time per call versus input size. ${summary}` });
    const title = s('title');
    title.textContent = summary;
    svg.append(title);
    svg.append(s('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
    /** @param {'originalNs' | 'candidateNs'} key @param {string} cls */
    const series = (key, cls) => {
      const pts = rows.map((r) => `${px(Math.log(r.size)).toFixed(1)},${py(Math.log(r[key])).toFixed(1)}`);
      if (rows.length > 1) svg.append(s('polyline', { points: pts.join(' '), class: `line ${cls}` }));
      for (const p of pts) {
        const [cx, cy] = p.split(',');
        svg.append(s('circle', { cx: cx ?? 0, cy: cy ?? 0, r: 2.5, class: `dot ${cls}` }));
      }
    };
    series('originalNs', 'orig');
    series('candidateNs', 'cand');
    const first = rows[0], last = rows[rows.length - 1];
    if (first && last) {
      const a = s('text', { x: L, y: H - 3, class: 'tick' });
      a.textContent = `n=${first.size}`;
      svg.append(a);
      if (last !== first) {
        const b = s('text', { x: W - R, y: H - 3, class: 'tick end' });
        b.textContent = `n=${last.size}`;
        svg.append(b);
      }
    }
    const legend = h('div', { class: 'legend' }, [
      h('span', { class: 'key orig' }, ['original']),
      h('span', { class: 'key cand' }, [c.id]),
      c.growth ? h('span', { class: 'muted' }, [`growth n^${c.growth.original.toFixed(2)} → n^${c.growth.candidate.toFixed(2)}`]) : null,
    ]);
    return h('figure', { class: 'chart-box' }, [svg, legend]);
  }

  /**
   * @param {string} label
   * @param {string} key focus key, stable across re-renders
   * @param {() => void} onClick
   * @param {string} [cls]
   * @param {string} [aria]
   */
  function button(label, key, onClick, cls = '', aria) {
    const b = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: cls, 'data-focus': key }, [label]));
    if (aria) b.setAttribute('aria-label', aria);
    b.addEventListener('click', onClick);
    return b;
  }

  /** @param {number} n @param {string} one @param {string} [many] */
  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : (many ?? `${one}s`)}`;
  }

  /**
   * Which of the project's tests were used, and what they showed about the original.
   * @param {TestsSummary} t
   */
  function testsSection(t) {
    const runner = t.runner === 'node-test' ? 'node:test' : t.runner === 'jest' ? 'Jest' : t.runner === 'vitest' ? 'Vitest' : 'Mocha';
    const cov = t.coverage && t.coverage.totalLines > 0 ? ` · their calls run ${t.coverage.coveredLines} of ${t.coverage.totalLines} lines of the function` : '';
    const items = t.files.map((f) => h('li', {}, [h('code', {}, [f.file]), h('span', { class: 'muted' }, [` ${plural(f.calls, 'call')}`])]));
    for (const e of t.excluded) items.push(h('li', { class: 'excluded' }, [`Excluded (fails on the original too): ${e.name}`, h('span', { class: 'muted' }, [` in ${e.file}`])]));
    return h('section', { class: 'tests', 'aria-label': 'Project tests' }, [
      h('h3', {}, [`Project tests: ${runner}${t.runnerVersion ? ` ${t.runnerVersion}` : ''}`]),
      h('p', { class: 'muted' }, [
        `${t.selection} · ${plural(t.totalCalls, 'call')} of the function, ${t.captured} distinct captured · ${plural(t.passing, 'passing test')} gate each faster candidate${cov}`,
      ]),
      h('ul', { class: 'test-files' }, items),
    ]);
  }

  /**
   * The project's tests with one candidate applied.
   * @param {CandidateTests | null} t
   * @param {boolean} used
   */
  function candidateTests(t, used) {
    if (!t) return used ? h('p', { class: 'tests-result muted' }, ['Project tests: not run (only candidates measured faster are gated by them).']) : null;
    const head =
      t.status === 'passed'
        ? `Project tests: all ${t.passed} passed (${duration(t.wallMs)})`
        : t.status === 'failed'
          ? `Project tests: ${t.failed.length} failed, ${t.passed} passed (${duration(t.wallMs)})`
          : `Project tests could not run: ${t.detail ?? 'error'}`;
    return h('div', { class: `tests-result t-${t.status}` }, [
      h('p', {}, [head]),
      t.failed.length
        ? h('ul', { class: 'failed-tests', 'aria-label': 'Failed tests' }, t.failed.slice(0, 10).map((f) => h('li', {}, [h('strong', {}, [f.name]), h('span', { class: 'muted' }, [` ${f.file}`]), f.message ? h('div', { class: 'message' }, [f.message]) : null])))
        : null,
    ]);
  }

  /** @param {CandidateReport} c @param {JobView} job @param {JobPhrases} phrases */
  function candidateRow(c, job, phrases) {
    // Reports saved by older versions have no phase: their candidates are all decided.
    const pending = c.phase === 'pending' || c.phase === 'verified';
    const v = pending || c.verdict === null ? PENDING : (VERDICTS[c.verdict] ?? PENDING);
    const isBest = job.best === c.id;
    const applied = job.applied.includes(c.id);
    const discarded = job.discarded.includes(c.id);
    // The speedup phrases come from the host (report/format.ts speedupPhrase).
    const sp = (c.speedup && phrases[c.id]?.speedup) || null;
    const head = h('div', { class: 'row-head' }, [
      h('span', { class: `verdict v-${pending ? 'pending' : c.verdict}`, role: 'img', 'aria-label': v.label, title: v.label }, [v.icon]),
      h('h3', {}, [`${c.id}`, h('span', { class: 'muted origin' }, [` ${c.origin}`])]),
      h('span', { class: 'verdict-label' }, [v.label]),
      isBest ? h('span', { class: 'badge best' }, ['best']) : null,
      applied ? h('span', { class: 'badge' }, ['applied']) : null,
      discarded ? h('span', { class: 'badge muted' }, ['discarded']) : null,
      sp ? h('span', { class: 'speedup' }, [h('strong', {}, [sp.head]), ' ', h('span', { class: 'muted' }, [`(${sp.ci}${c.headlineSize !== null ? `, n=${c.headlineSize}` : ''})`])]) : null,
    ]);
    const body = h('div', { class: 'row-body' }, [h('p', { class: 'reason', title: c.reason }, [c.reason])]);
    if (c.coverage && !pending) {
      const warning = c.coverage.warning ?? null;
      body.append(h('p', { class: warning ? 'coverage warn' : 'coverage muted' }, [(warning ? `${warning} ` : '') + c.coverage.summary]));
    }
    if (c.counterexample) {
      const ce = c.counterexample;
      body.append(
        h('dl', { class: 'counterexample', 'aria-label': 'Counterexample' }, [
          h('dt', {}, ['Input']), h('dd', {}, [h('code', {}, [ce.input])]),
          h('dt', {}, [`Expected (${ce.aspect})`]), h('dd', {}, [h('code', {}, [ce.expected])]),
          h('dt', {}, ['Got']), h('dd', {}, [h('code', {}, [ce.actual])]),
        ]),
      );
    }
    const w = (c.workload && phrases[c.id]?.workload) || null;
    if (c.workload && w) {
      body.append(h('p', { class: 'workload' }, [`On ${plural(c.workload.calls, 'call')} captured from your tests: `, h('strong', {}, [w.head]), h('span', { class: 'muted' }, [` (${w.ci}; ${time(c.workload.originalNs)} → ${time(c.workload.candidateNs)} per call)`])]));
    }
    const tr = pending ? null : candidateTests(c.tests ?? null, !!job.tests);
    if (tr) body.append(tr);
    const fig = chart(c);
    if (fig) body.append(fig);
    const actions = h('div', { class: 'actions' });
    if (!pending && c.source) {
      actions.append(button('Show Diff', `diff:${c.id}`, () => vscode.postMessage({ type: 'showDiff', candidateId: c.id }), 'secondary', `Show diff of ${c.id}`));
    }
    if (c.verdict === 'faster' && !pending && !applied) {
      actions.append(button('Apply', `apply:${c.id}`, () => vscode.postMessage({ type: 'apply', candidateId: c.id }), '', `Apply ${c.id}`));
    }
    if (actions.childElementCount) body.append(actions);
    return h('section', { class: `row${isBest ? ' is-best' : ''}${c.counterexample ? ' has-counterexample' : ''}`, 'aria-label': `${c.id}: ${v.label}${sp ? `, ${sp.head}` : ''}`, 'data-id': c.id }, [head, body]);
  }

  /** @param {JobView} job @param {JobPhrases} phrases */
  function render(job, phrases) {
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset['focus'] : undefined;
    const running = job.status === 'running';
    const faster = job.candidates.filter((c) => c.phase === 'decided' && c.verdict === 'faster');
    let status = '';
    if (running) status = job.stage ? job.stage.message : 'Starting…';
    else if (job.status === 'done') status = faster.length ? `Done in ${duration(job.totalMs ?? 0)}: ${faster.length} verified speedup${faster.length === 1 ? '' : 's'}.` : `Done in ${duration(job.totalMs ?? 0)}: no verified speedup.`;
    else if (job.status === 'cancelled') status = job.error && job.error !== 'Cancelled.' ? job.error : 'Cancelled; nothing was changed.';
    else status = `Failed: ${job.error ?? 'unknown error'}`;

    const toolbar = h('div', { class: 'toolbar' }, [
      running ? button('Cancel', 'cancel', () => vscode.postMessage({ type: 'cancel' }), 'secondary') : button(job.mode === 'check' ? 'Check Again' : 'Run Again', 'rerun', () => vscode.postMessage({ type: 'rerun' }), 'secondary'),
      button('Show Log', 'log', () => vscode.postMessage({ type: 'showLog' }), 'secondary'),
    ]);
    const header = h('header', {}, [
      h('h2', {}, [h('code', {}, [job.functionName]), h('span', { class: 'muted' }, [` in ${job.displayFile}`])]),
      h('p', { class: `status s-${job.status}`, role: 'status' }, [running ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, status]),
      h('p', { class: 'muted meta' }, [`${job.mode === 'check' ? 'Checking your variant' : `Candidates from ${job.source}`} · faster means the 95% CI lower bound ≥ ${job.minSpeedup}×`]),
      toolbar,
    ]);
    const list = h('div', { class: 'rows' });
    const cands = [...job.candidates];
    if (!running) {
      const rank = (/** @type {CandidateReport} */ c) => (c.verdict === 'faster' ? 0 : c.verdict === 'not-faster' ? 1 : 2);
      cands.sort((a, b) => rank(a) - rank(b) || (b.speedup?.estimate ?? 0) - (a.speedup?.estimate ?? 0));
    }
    for (const c of cands) list.append(candidateRow(c, job, phrases));
    if (cands.length === 0) list.append(h('p', { class: 'muted' }, [running ? 'Candidates appear here as they arrive.' : 'No candidates.']));
    const notes = job.notes.length ? h('ul', { class: 'notes', 'aria-label': 'Notes' }, job.notes.map((n) => h('li', {}, [n]))) : null;
    const tests = job.tests ? testsSection(job.tests) : null;
    app.replaceChildren(header, ...(tests ? [tests] : []), ...(notes ? [notes] : []), list);
    if (focusKey) {
      const el = app.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
      if (el instanceof HTMLElement) el.focus();
    }
  }

  window.addEventListener('message', (/** @type {MessageEvent<HostToWebview>} */ e) => {
    const m = e.data;
    if (!m || m.type !== 'state') return;
    vscode.setState({ job: m.job, phrases: m.phrases });
    render(m.job, m.phrases);
  });

  const saved = vscode.getState();
  if (saved && saved.job) render(saved.job, saved.phrases ?? {});
  vscode.postMessage({ type: 'ready' });
})();
