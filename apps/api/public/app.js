// Portscore monitoring dashboard: plain browser JavaScript against the REST API and SSE stream.
(() => {
  'use strict';
  const $ = (selector) => document.querySelector(selector);
  const state = {
    key: localStorage.getItem('portscore.key') || '',
    lang: localStorage.getItem('portscore.lang') || 'en',
    catalogue: null,
    ports: [],
    cards: new Map(),
    scorecards: new Map(),
    matrixFor: '',
    /** The date every view shows: the one picked, or the server's today for the heat map. */
    day: '',
    view: { name: 'overview' },
    stream: null,
    updates: 0,
  };

  const text = (en, zh) => (state.lang === 'zh' ? zh || en : en);
  const fmt = (value, unit) => {
    if (value === null || value === undefined) return '—';
    if (unit === 'share') return `${(value * 100).toFixed(1)}%`;
    if (unit === 'hours') return `${value.toFixed(1)} ${text('h', '小时')}`;
    return Number.isInteger(value) ? String(value) : value.toFixed(3);
  };
  const colour = (score) =>
    score === null || score === undefined
      ? null
      : `hsl(${Math.round(score * 1.2)}, ${score >= 50 ? 50 : 70}%, ${score >= 50 ? 65 : 72}%)`;
  const escape = (value) =>
    String(value).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  function translate() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = text('Portscore — cross-border trade facilitation monitor', '口岸评分 — 跨境贸易便利化监测');
    for (const node of document.querySelectorAll('[data-en]'))
      node.textContent = text(node.dataset.en, node.dataset.zh);
    for (const node of document.querySelectorAll('[data-title-en]'))
      node.title = text(node.dataset.titleEn, node.dataset.titleZh);
    $('#language').textContent = state.lang === 'zh' ? 'English' : '中文';
  }

  async function api(path) {
    const response = await fetch(path, { headers: { authorization: `Bearer ${state.key}` } });
    if (response.status === 401) {
      showLogin(text('The key was refused.', '密钥无效。'));
      throw new Error('unauthorized');
    }
    if (!response.ok) {
      const error = new Error(`${path}: ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /** Renders, and says in the reader's language when the API refused or failed. */
  async function show(work = render) {
    try {
      await work();
    } catch (error) {
      if (error.message === 'unauthorized') return;
      $('#detail').hidden = false;
      $('#detail').innerHTML = `<p class="error">${escape(
        error.status
          ? text(`The server answered ${error.status}; try again later.`, `服务器返回 ${error.status}，请稍后重试。`)
          : text('The server cannot be reached; try again later.', '无法连接服务器，请稍后重试。'),
      )}</p>`;
    }
  }

  function showLogin(message) {
    $('#login').hidden = false;
    $('#app').hidden = true;
    $('#login-error').textContent = message || '';
  }

  const measureTitle = (m) => text(m.titleEn, m.titleZh);
  /** KPI titles exist in English only: in Chinese the measure's title stands for them, beside the KPI id. */
  const kpiTitle = (k, measure) => text(k.title, state.catalogue.measures[measure - 1].titleZh);
  const basisText = (basis) =>
    ({
      kpis: text('from KPIs', '按指标'),
      status: text('from status report', '按实施状态'),
      none: text('no data', '无数据'),
    })[basis] || basis;
  const portName = (p) => text(p.name, p.nameZh);

  async function start() {
    translate();
    if (!state.key) return showLogin();
    try {
      [state.catalogue, state.ports] = await Promise.all([api('/v1/catalogue'), api('/v1/ports')]);
    } catch (error) {
      return;
    }
    $('#login').hidden = true;
    $('#app').hidden = false;
    await show();
    connect();
  }

  /**
   * One request for the heat map; a port's full scorecard (KPIs) only when it is opened. Without a
   * picked date the server chooses today, and the other views ask for the date it answered with,
   * so they show the windows of the heat map.
   */
  async function loadMatrix() {
    const grain = $('#grain').value;
    const picked = $('#date').value;
    if (state.matrixFor === `${grain}|${picked}`) return;
    const matrix = await api(`/v1/scores?grain=${grain}${picked ? `&date=${picked}` : ''}`);
    state.cards = new Map(matrix.ports.map((c) => [c.port, c]));
    state.scorecards = new Map();
    state.day = matrix.date;
    state.matrixFor = `${grain}|${picked}`;
  }

  async function scorecard(portId) {
    if (!state.scorecards.has(portId)) {
      state.scorecards.set(
        portId,
        await api(`/v1/ports/${portId}/scorecard?grain=${$('#grain').value}&date=${state.day}`),
      );
    }
    return state.scorecards.get(portId);
  }

  async function render() {
    await loadMatrix();
    renderHeatmap();
    const view = state.view;
    $('#detail').hidden = view.name === 'overview';
    crumbs();
    if (view.name === 'port') await renderPort(view.port);
    if (view.name === 'measure') await renderMeasure(view.measure);
    if (view.name === 'cell') await renderCell(view.port, view.measure);
  }

  function crumbs() {
    const view = state.view;
    const parts = [`<a data-go="overview">${escape(text('All ports', '全部口岸'))}</a>`];
    if (view.port) parts.push(escape(portName(state.ports.find((p) => p.id === view.port))));
    if (view.measure)
      parts.push(escape(`M${view.measure} ${measureTitle(state.catalogue.measures[view.measure - 1])}`));
    $('#crumbs').innerHTML = parts.join(' › ');
  }

  function renderHeatmap() {
    const first = state.cards.values().next().value;
    $('#window-label').textContent = first ? `${first.windowStart.slice(0, 10)} – ${first.windowEnd.slice(0, 10)}` : '';
    const head = state.catalogue.measures
      .map((m) => `<th data-measure="${m.number}" title="${escape(measureTitle(m))}">M${m.number}</th>`)
      .join('');
    const rows = state.ports
      .map((port) => {
        const card = state.cards.get(port.id);
        const cells = card.measures
          .map((m) => {
            const background = colour(m.score);
            const label = m.score === null ? '—' : Math.round(m.score);
            return `<td class="cell${background ? '' : ' none'}" data-port="${port.id}" data-measure="${m.measure}" data-score="${m.score ?? ''}" style="${background ? `background:${background}` : ''}" title="${escape(`${portName(port)} · M${m.measure} ${measureTitle(state.catalogue.measures[m.measure - 1])}: ${m.score === null ? text('no data', '无数据') : m.score.toFixed(1)}`)}">${label}</td>`;
          })
          .join('');
        const index = card.index === null ? '—' : card.index.toFixed(1);
        return `<tr><th data-port="${port.id}">${escape(portName(port))} <small>${port.id}</small></th><td class="index" data-port-index="${port.id}" data-score="${card.index ?? ''}">${index}</td>${cells}</tr>`;
      })
      .join('');
    $('#heatmap').innerHTML =
      `<thead><tr><th>${escape(text('Port', '口岸'))}</th><th>${escape(text('Index', '指数'))}</th>${head}</tr></thead><tbody>${rows}</tbody>`;
  }

  function lineChart(points, target) {
    const values = points.map((p) => p.value).filter((v) => v !== null);
    if (values.length === 0) return '<svg viewBox="0 0 300 120"></svg>';
    const max = Math.max(target || 0, ...values) * 1.1 || 1;
    const x = (i) => 10 + (i * 280) / Math.max(1, points.length - 1);
    const y = (v) => 110 - (v / max) * 100;
    const path = points
      .map((p, i) => (p.value === null ? '' : `${x(i)},${y(p.value)}`))
      .filter(Boolean)
      .join(' ');
    const dots = points
      .map((p, i) =>
        p.value === null
          ? ''
          : `<circle cx="${x(i)}" cy="${y(p.value)}" r="2.5" fill="${p.scored ? '#0b6bcb' : '#9aa6b4'}"><title>${p.windowStart.slice(0, 10)}: ${p.value.toFixed(3)} (${p.samples})</title></circle>`,
      )
      .join('');
    const targetLine = target
      ? `<line x1="10" x2="290" y1="${y(target)}" y2="${y(target)}" stroke="#2ca44e" stroke-dasharray="4 3"/>`
      : '';
    return `<svg viewBox="0 0 300 120" role="img">${targetLine}<polyline fill="none" stroke="#0b6bcb" stroke-width="1.5" points="${path}"/>${dots}</svg>`;
  }

  async function renderPort(portId) {
    const card = await scorecard(portId);
    const date = new Date(state.day);
    const from = new Date(date.getTime() - 180 * 86400000).toISOString().slice(0, 10);
    const to = new Date(date.getTime() + 86400000).toISOString().slice(0, 10);
    const grain = $('#grain').value === 'month' ? 'week' : 'day';
    const kpis = card.measures.flatMap((m) => m.kpis.map((k) => ({ ...k, measure: m.measure })));
    const series = await Promise.all(
      kpis.map((k) => api(`/v1/ports/${portId}/kpis/${k.kpi}/series?grain=${grain}&from=${from}&to=${to}`)),
    );
    $('#detail').innerHTML =
      `<h2>${escape(portName(state.ports.find((p) => p.id === portId)))} · ${escape(text('KPI trends', '指标趋势'))} <small>${escape(grain === 'week' ? text('weekly', '按周') : text('daily', '按日'))}</small></h2><div class="cards">` +
      kpis
        .map(
          (k, i) => `<div class="card" data-kpi="${k.kpi}"><h3>M${k.measure} · ${escape(kpiTitle(k, k.measure))}</h3>
        <div class="meta"><code>${k.kpi}</code> ${escape(text('target', '目标'))} ${fmt(k.target, k.unit)} ${k.direction === 'up' ? '↑' : '↓'}</div>
        <div class="value">${fmt(k.value, k.unit)}</div><div class="meta">${k.samples} ${escape(text('samples', '样本'))}${k.scored ? '' : ` · ${escape(text('not scored', '未计分'))}`}</div>
        ${lineChart(series[i].points, k.target)}</div>`,
        )
        .join('') +
      '</div>';
  }

  async function renderMeasure(measure) {
    const m = state.catalogue.measures[measure - 1];
    // The measure's text exists in Chinese only.
    const heading = `<h2>M${measure} ${escape(measureTitle(m))}</h2><p class="meta" lang="zh-CN">${escape(m.textZh)}</p>`;
    let ranking;
    try {
      ranking = await api(`/v1/rankings?grain=${$('#grain').value}&date=${state.day}&measure=${measure}`);
    } catch (error) {
      if (error.status !== 403) throw error;
      // Rankings compare every port: a port's key may not see them.
      $('#detail').innerHTML = `${heading}<p class="notice" id="ranking-refused">${escape(
        text(
          'Rankings compare all ports, so only agency and admin keys may see them; this key reads its own port only. Click its row in the heat map for its scores.',
          '排名比较全部口岸，仅限监管部门和管理员密钥查看；本密钥只能查看本口岸。请点击热力图中本口岸的行查看其得分。',
        ),
      )}</p>`;
      return;
    }
    $('#detail').innerHTML = `${heading}
      <table class="list" id="ranking"><thead><tr><th>#</th><th>${escape(text('Port', '口岸'))}</th><th>${escape(text('Score', '得分'))}</th><th></th></tr></thead><tbody>${ranking.ports
        .map(
          (r) =>
            `<tr data-port="${r.port}"><td>${r.rank ?? '—'}</td><td>${escape(text(r.nameEn, r.nameZh))} <small>${r.port}</small></td><td class="score">${r.score === null ? '—' : r.score.toFixed(1)}</td><td style="width:40%"><div class="bar" style="width:${r.score ?? 0}%"></div></td></tr>`,
        )
        .join('')}</tbody></table>`;
  }

  async function renderCell(portId, measure) {
    const card = await scorecard(portId);
    const m = card.measures[measure - 1];
    const rows = m.kpis
      .map(
        (k) =>
          `<tr data-kpi="${k.kpi}"><td><code>${k.kpi}</code>${state.lang === 'zh' ? '' : `<br>${escape(k.title)}`}</td><td class="kpi-value">${fmt(k.value, k.unit)}</td><td>${fmt(k.target, k.unit)}</td><td class="samples">${k.samples}</td><td>${k.attainment === null ? '—' : (k.attainment * 100).toFixed(0) + '%'}</td><td><button data-cases="${k.kpi}">${escape(text('Show cases', '查看明细'))}</button></td></tr>`,
      )
      .join('');
    $('#detail').innerHTML =
      `<h2>${escape(portName(state.ports.find((p) => p.id === portId)))} · M${measure} ${escape(measureTitle(state.catalogue.measures[measure - 1]))}
      <small>${escape(text('score', '得分'))} ${m.score === null ? '—' : m.score.toFixed(1)} (${escape(basisText(m.basis))})</small></h2>
      ${m.kpis.length ? `<table class="list"><thead><tr><th>${escape(text('KPI', '指标'))}</th><th>${escape(text('Value', '值'))}</th><th>${escape(text('Target', '目标'))}</th><th>${escape(text('Samples', '样本'))}</th><th>${escape(text('Attainment', '达成'))}</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${escape(text('Status-only measure: scored from the latest status report.', '定性措施：按最新实施状态计分。'))}</p>`}
      <div id="cases"></div>`;
  }

  async function renderCases(portId, kpi) {
    const page = await api(
      `/v1/ports/${portId}/kpis/${kpi}/cases?grain=${$('#grain').value}&date=${state.day}&limit=50`,
    );
    const rows = page.cases
      .map(
        (c) =>
          `<tr><td>${escape(c.caseId.length > 40 ? c.caseId.slice(-40) : c.caseId)}</td><td>${Object.entries(
            c.milestones,
          )
            .map(
              ([name, m]) =>
                `<div><b>${escape(name)}</b> ${escape(m.at.replace('T', ' ').slice(0, 16))} <span class="event">(<code>${escape(m.source)}</code>, <code>${escape(m.id)}</code>)</span></div>`,
            )
            .join('')}</td></tr>`,
      )
      .join('');
    $('#cases').innerHTML =
      `<h2>${escape(text('Cases behind', '明细'))} <code>${kpi}</code> <small>${page.total} ${escape(text('cases', '条'))}${page.total > page.cases.length ? ` (${escape(text('first', '前'))} ${page.cases.length})` : ''}</small></h2>
      <table class="list" id="case-list"><thead><tr><th>${escape(text('Case', '业务'))}</th><th>${escape(text('Milestones (event source, id)', '环节（事件来源，事件编号）'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  /** Live score updates: a streaming fetch (EventSource cannot send the key header). */
  async function connect() {
    if (state.stream) state.stream.abort();
    const controller = new AbortController();
    state.stream = controller;
    let lastEventId = '';
    for (;;) {
      try {
        const response = await fetch(
          `/v1/stream${lastEventId ? `?lastEventId=${encodeURIComponent(lastEventId)}` : ''}`,
          { headers: { authorization: `Bearer ${state.key}` }, signal: controller.signal },
        );
        if (!response.ok) throw new Error(String(response.status));
        setLive(true);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(
              block
                .split('\n')
                .filter((l) => l && !l.startsWith(':'))
                .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
            );
            if (fields.id) lastEventId = fields.id;
            if (fields.event === 'score' && fields.data) applyScore(JSON.parse(fields.data));
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
      }
      setLive(false);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }

  function setLive(on) {
    $('#live').className = `live ${on ? 'on' : 'off'}`;
    $('#live-text').textContent = on ? `${text('live', '实时')} · ${state.updates}` : text('offline', '离线');
  }

  function applyScore(update) {
    const card = state.cards.get(update.port);
    if (!card || update.grain !== $('#grain').value || update.windowStart !== card.windowStart) return;
    state.updates += 1;
    setLive(true);
    const cell =
      update.kind === 'port'
        ? document.querySelector(`[data-port-index="${update.port}"]`)
        : document.querySelector(`td.cell[data-port="${update.port}"][data-measure="${update.measure}"]`);
    if (update.kind === 'port') card.index = update.score;
    else card.measures[update.measure - 1].score = update.score;
    state.scorecards.delete(update.port);
    if (!cell) return;
    cell.dataset.score = update.score ?? '';
    if (update.kind === 'port') cell.textContent = update.score === null ? '—' : update.score.toFixed(1);
    else {
      cell.textContent = update.score === null ? '—' : Math.round(update.score);
      cell.style.background = colour(update.score) || '';
      cell.classList.toggle('none', update.score === null);
    }
    cell.classList.add('flash');
    setTimeout(() => cell.classList.remove('flash'), 1500);
  }

  document.addEventListener('click', async (event) => {
    const target = event.target.closest('[data-go], [data-port], [data-measure], [data-cases]');
    if (!target) return;
    if (target.dataset.cases) return show(() => renderCases(state.view.port, target.dataset.cases));
    if (target.dataset.go === 'overview') state.view = { name: 'overview' };
    else if (target.matches('td.cell'))
      state.view = { name: 'cell', port: target.dataset.port, measure: Number(target.dataset.measure) };
    else if (target.matches('#heatmap thead th[data-measure]'))
      state.view = { name: 'measure', measure: Number(target.dataset.measure) };
    else if (target.matches('#heatmap tbody th[data-port], #ranking tr[data-port]'))
      state.view = { name: 'port', port: target.dataset.port };
    else return;
    await show();
    if (state.view.name !== 'overview') $('#detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  $('#grain').addEventListener('change', () => show());
  $('#date').addEventListener('change', () => show());
  $('#language').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('portscore.lang', state.lang);
    translate();
    if (state.catalogue) {
      state.matrixFor = '';
      show();
    }
  });
  $('#logout').addEventListener('click', () => {
    localStorage.removeItem('portscore.key');
    state.key = '';
    showLogin();
  });
  $('#login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.key = $('#key').value.trim();
    localStorage.setItem('portscore.key', state.key);
    start();
  });
  const fromHash = new URLSearchParams(location.hash.slice(1));
  if (fromHash.get('key')) {
    state.key = fromHash.get('key');
    localStorage.setItem('portscore.key', state.key);
    history.replaceState(null, '', location.pathname);
  }
  if (fromHash.get('date')) $('#date').value = fromHash.get('date');
  if (fromHash.get('grain')) $('#grain').value = fromHash.get('grain');
  start();
})();
