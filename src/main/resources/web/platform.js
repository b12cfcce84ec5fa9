// ZoneWatch platforms' page: a platform official pastes a platform token and sees the platform's
// year-end ranking, explained. Plain ES2020, no library, no build step. Everything that comes from
// the API is inserted as text (textContent / createTextNode), never as markup.
'use strict';

const STORAGE_KEY = 'zonewatch.platformToken';
const DEFAULT_SCHEME = 'mu_benefit';
const FALLBACK_SCHEMES = [
  { code: 'mu_benefit', name: '亩均效益综合评价', nameEn: 'Benefit per mu composite evaluation', dimensions: [] },
  { code: 'zone_development', name: '开发区综合发展水平', nameEn: 'Development zone composite development level', dimensions: [] },
];
const CLASS_NAMES = { A: 'A 级', B: 'B 级', C: 'C 级', D: 'D 级' };
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);

/** The page's state; `gen` invalidates answers to requests that a newer action superseded. */
const state = {
  gen: 0,
  token: null,
  me: null,
  stored: false,
  schemes: [],
  indicators: new Map(),
  ranking: null,
};

// ---------------------------------------------------------------- DOM helpers (text only)

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  appendAll(el, children);
  return el;
}

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  appendAll(el, children);
  return el;
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function appendAll(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function en(text) {
  return h('span', { class: 'en', lang: 'en' }, text);
}

// ---------------------------------------------------------------- formatting

const numberFormats = new Map();

/** The number with exactly `digits` decimals and thousands separators (1,234.56), rounded half away from zero. */
function fixed(v, digits) {
  let f = numberFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
    numberFormats.set(digits, f);
  }
  return f.format(v);
}

/** Decimals shown for an indicator value: fewer for large values, more for small ones. */
function decimalsFor(v) {
  const a = Math.abs(v);
  if (a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 1) return 2;
  if (a >= 0.01) return 3;
  return 4;
}

function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

function fmtValue(v) {
  return isNum(v) ? fixed(v, decimalsFor(v)) : '—';
}

function fmtScore(v) {
  return isNum(v) ? fixed(v, 2) : '—';
}

function fmtPercent(fraction) {
  return isNum(fraction) ? fixed(fraction * 100, 1) + '%' : '—';
}

function fmtRank(v) {
  if (!isNum(v)) return '—';
  return Number.isInteger(v) ? String(v) : fixed(v, 1);
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

function fmtDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? '—');
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

// ---------------------------------------------------------------- API

class PageError extends Error {
  constructor(status, zh, en) {
    super(zh);
    this.status = status;
    this.zh = zh;
    this.en = en || '';
  }
}

function errorFor(status, body) {
  if (status === 401) {
    return new PageError(401, '令牌无效：未知或已被吊销，请检查后重新输入。', 'Invalid token: unknown or revoked.');
  }
  if (status === 403) {
    return new PageError(403, '该令牌不是平台令牌：请使用本平台管委会的令牌。', 'This token is not a platform token.');
  }
  const zh = body && (body.messageZh || body.message);
  const enText = body && body.messageEn;
  if (status === 404) return new PageError(404, zh ? `暂无排名：${zh}` : '暂无排名。', enText || 'No ranking.');
  if (status === 503) return new PageError(503, zh || '服务暂时不可用，请稍后重试。', enText || 'Service unavailable, retry later.');
  return new PageError(status, zh || `请求失败（HTTP ${status}）。`, enText || `Request failed (HTTP ${status}).`);
}

async function api(path, token) {
  let res;
  try {
    res = await fetch(path, {
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new PageError(0, '无法连接服务，请检查网络后重试。', 'Cannot reach the service.');
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!res.ok) throw errorFor(res.status, body);
  if (!body || typeof body !== 'object') {
    throw new PageError(res.status, '服务返回了无法识别的内容。', 'Unexpected response from the service.');
  }
  return body;
}

// ---------------------------------------------------------------- token storage

// A token is kept for this browser session (sessionStorage: it survives reloads, not closing the
// browser) unless "remember on this device" is ticked (localStorage). Forgetting clears both.

function readStored() {
  try {
    const session = window.sessionStorage.getItem(STORAGE_KEY);
    if (session) return { token: session, remembered: false };
    const remembered = window.localStorage.getItem(STORAGE_KEY);
    return remembered ? { token: remembered, remembered: true } : null;
  } catch (e) {
    return null;
  }
}

function store(token, remember) {
  try {
    if (remember) {
      window.localStorage.setItem(STORAGE_KEY, token);
      window.sessionStorage.removeItem(STORAGE_KEY);
    } else {
      window.sessionStorage.setItem(STORAGE_KEY, token);
      window.localStorage.removeItem(STORAGE_KEY);
    }
    return true;
  } catch (e) {
    return false;
  }
}

function unstore() {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // nothing stored then
  }
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // nothing stored then
  }
}

// ---------------------------------------------------------------- page state

function setState(name) {
  $('app').dataset.state = name;
}

function setBusy(message) {
  const status = $('status');
  status.replaceChildren();
  if (message) {
    status.append(h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, message));
    status.classList.add('is-busy');
  } else {
    status.classList.remove('is-busy');
  }
  $('app').setAttribute('aria-busy', message ? 'true' : 'false');
}

function showError(err) {
  $('error-zh').textContent = err.zh || String(err.message || err);
  $('error-en').textContent = err.en || '';
  $('error').dataset.status = String(err.status ?? '');
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
  $('error-zh').textContent = '';
  $('error-en').textContent = '';
  delete $('error').dataset.status;
}

function clearResult() {
  const result = $('result');
  result.replaceChildren();
  result.hidden = true;
  result.dataset.state = 'empty';
  delete result.dataset.scheme;
  delete result.dataset.year;
  state.ranking = null;
}

/** Forgets everything shown for the previous token (header, selectors, ranking, errors). */
function resetAll() {
  state.token = null;
  state.me = null;
  state.schemes = [];
  state.indicators = new Map();
  clearResult();
  hideError();
  setBusy(null);
  $('platform-head').hidden = true;
  $('platform-name').textContent = '';
  $('platform-code').textContent = '';
  $('platform-name-en').textContent = '';
  $('platform-region').textContent = '';
  $('scheme-select').replaceChildren();
  $('year-select').replaceChildren();
  $('session-bar').hidden = true;
  $('session-name').textContent = '';
  setState('idle');
}

function showTokenForm() {
  $('token-panel').hidden = false;
  $('token-input').focus();
}

function setControlsDisabled(disabled) {
  $('scheme-select').disabled = disabled;
  $('year-select').disabled = disabled;
}

// ---------------------------------------------------------------- actions

async function openToken(token, { remember, fromStorage }) {
  const my = ++state.gen;
  resetAll();
  setState('loading');
  setBusy('正在验证令牌…');
  try {
    const me = await api('/api/v1/me', token);
    if (my !== state.gen) return;
    if (me.role !== 'platform' || !me.platform) {
      throw new PageError(403, '该令牌不是平台令牌：请使用本平台管委会的令牌。',
        `This token is not a platform token (role: ${me.role}).`);
    }
    const [schemes, indicators] = await Promise.all([
      api('/api/v1/schemes', token).catch(() => null),
      api('/api/v1/indicators', token).catch(() => null),
    ]);
    if (my !== state.gen) return;
    state.token = token;
    state.me = me;
    state.schemes = schemes && Array.isArray(schemes.schemes) && schemes.schemes.length ? schemes.schemes : FALLBACK_SCHEMES;
    state.indicators = new Map();
    if (indicators && Array.isArray(indicators.indicators)) {
      for (const i of indicators.indicators) state.indicators.set(i.code, i);
    }
    state.stored = store(token, remember);
    $('token-input').value = '';
    renderSession();
    renderHead();
    setBusy(null);
    await loadRanking(defaultScheme(), null);
  } catch (e) {
    if (my !== state.gen) return;
    const err = e instanceof PageError ? e : new PageError(-1, '页面出错：' + String(e && e.message || e), '');
    if (fromStorage && err.status === 401) {
      unstore();
      err.zh = '保存的' + err.zh + '（已从本设备清除）';
    }
    resetAll();
    setState('error');
    $('token-panel').hidden = false;
    showError(err);
  }
}

function defaultScheme() {
  return state.schemes.some((x) => x.code === DEFAULT_SCHEME) ? DEFAULT_SCHEME : state.schemes[0].code;
}

async function loadRanking(scheme, year) {
  const my = ++state.gen;
  const token = state.token;
  clearResult();
  hideError();
  setState('loading');
  setBusy('正在加载排名…');
  setControlsDisabled(true);
  $('scheme-select').value = scheme;
  const base = '/api/v1/me/ranking?scheme=' + encodeURIComponent(scheme);
  try {
    let r;
    try {
      r = await api(year ? `${base}&year=${encodeURIComponent(year)}` : base, token);
    } catch (e) {
      // Another scheme may not have the year that was selected: show its latest instead.
      if (!(e instanceof PageError) || e.status !== 404 || !year) throw e;
      r = await api(base, token);
    }
    if (my !== state.gen) return;
    let gapName = null;
    if (r.gapToNext && r.gapToNext.platform) {
      gapName = await api('/api/v1/platforms/' + encodeURIComponent(r.gapToNext.platform), token)
        .then((p) => p.name || null)
        .catch(() => null);
      if (my !== state.gen) return;
    }
    state.ranking = r;
    renderRanking(r, gapName);
    setState(r.rank === null || r.rank === undefined ? 'not-ranked' : 'ready');
  } catch (e) {
    if (my !== state.gen) return;
    const err = e instanceof PageError ? e : new PageError(-1, '页面出错：' + String(e && e.message || e), '');
    if (err.status === 401 || err.status === 403) {
      // The token was revoked meanwhile: nothing of it stays on screen.
      if (state.stored) unstore();
      resetAll();
      $('token-panel').hidden = false;
    }
    setState('error');
    showError(err);
  } finally {
    if (my === state.gen) {
      setBusy(null);
      setControlsDisabled(false);
    }
  }
}

function forgetToken() {
  ++state.gen;
  unstore();
  state.stored = false;
  resetAll();
  $('token-input').value = '';
  $('token-panel').hidden = false;
  setBusy(null);
  $('status').textContent = '已忘记令牌，本设备不再保存。';
  $('token-input').focus();
}

function onSubmit(event) {
  event.preventDefault();
  const raw = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
  if (!raw) {
    showError(new PageError(0, '请输入令牌。', 'Enter a token.'));
    $('token-input').focus();
    return;
  }
  if (!/^[\x21-\x7e]+$/.test(raw)) {
    ++state.gen;
    resetAll();
    setState('error');
    showError(new PageError(401, '令牌无效：格式不正确（令牌只含英文字母、数字和符号）。', 'Invalid token: malformed.'));
    return;
  }
  openToken(raw, { remember: $('remember-token').checked, fromStorage: false });
}

// ---------------------------------------------------------------- rendering: header and selectors

function renderSession() {
  $('session-name').textContent = state.me.name || `#${state.me.tokenId}`;
  $('session-stored').hidden = !state.stored;
  $('session-bar').hidden = false;
  $('token-panel').hidden = true;
}

function renderHead() {
  const p = state.me.platform;
  $('platform-name').textContent = p.name || p.code;
  $('platform-code').textContent = p.code;
  $('platform-name-en').textContent = p.nameEn || '';
  $('platform-region').textContent = p.region || '';
  const select = $('scheme-select');
  select.replaceChildren(...state.schemes.map((x) => h('option', { value: x.code }, x.name || x.code)));
  select.value = defaultScheme();
  $('platform-head').hidden = false;
}

function renderYears(r) {
  const years = new Set((r.history || []).map((x) => x.year));
  years.add(r.year);
  const select = $('year-select');
  select.replaceChildren(...[...years].sort((a, b) => b - a).map((y) => h('option', { value: y }, `${y} 年`)));
  select.value = String(r.year);
}

function schemeOf(code) {
  return state.schemes.find((x) => x.code === code) || FALLBACK_SCHEMES.find((x) => x.code === code) || { code, name: code, dimensions: [] };
}

function indicatorOf(code) {
  return state.indicators.get(code) || { code, name: code, unit: '' };
}

// ---------------------------------------------------------------- rendering: the ranking

function renderRanking(r, gapName) {
  $('scheme-select').value = r.scheme;
  renderYears(r);
  const scheme = schemeOf(r.scheme);
  const result = $('result');
  const ranked = isNum(r.rank);
  result.append(summarySection(r, scheme));
  if (ranked && Array.isArray(r.breakdown) && r.breakdown.length) result.append(breakdownSection(r, scheme));
  if (ranked) result.append(gapSection(r, gapName));
  result.append(historySection(r));
  result.dataset.scheme = r.scheme;
  result.dataset.year = String(r.year);
  result.dataset.state = ranked ? 'ready' : 'not-ranked';
  result.hidden = false;
  drawHistory();
}

function classCaption(cls, scheme) {
  const c = scheme && scheme.classes;
  if (!c || c.mode !== 'percent' || !isNum(c.A) || !isNum(c.B) || !isNum(c.C)) return null;
  const pct = (x) => fixed(x * 100, 0) + '%';
  switch (cls) {
    case 'A': return `前 ${pct(c.A)}`;
    case 'B': return `${pct(c.A)}–${pct(c.B)}`;
    case 'C': return `${pct(c.B)}–${pct(c.C)}`;
    case 'D': return `后 ${pct(1 - c.C)}`;
    default: return null;
  }
}

function summarySection(r, scheme) {
  const runs = scheme.monteCarlo && isNum(scheme.monteCarlo.runs) ? scheme.monteCarlo.runs : 500;
  const title = h('h2', { id: 'summary-title', class: 'card-title' },
    `${r.year} 年度 · ${scheme.name || r.scheme}`, scheme.nameEn ? h('span', { class: 'en en-block', lang: 'en' }, scheme.nameEn) : null);
  const statusLine = h('p', { class: 'run-status' },
    r.published
      ? h('span', { id: 'published', class: 'pill pill-ok', 'data-testid': 'published', 'data-published': 'true' }, '正式发布')
      : h('span', { id: 'published', class: 'pill pill-warn', 'data-testid': 'published', 'data-published': 'false' }, '未发布 · 最新计算'),
    h('span', { class: 'run-meta' }, '数据截至 ',
      h('time', { id: 'data-as-of', datetime: r.dataAsOf, 'data-testid': 'data-as-of' }, fmtDateTime(r.dataAsOf))),
    h('span', { class: 'run-meta' }, `方案第 ${r.schemeVersion} 版`),
    r.group ? h('span', { class: 'run-meta' }, `分组：${r.group}`) : null);

  if (!isNum(r.rank)) {
    const nr = r.notRanked || {};
    return h('section', { id: 'summary', class: 'card summary', 'aria-labelledby': 'summary-title' },
      title,
      h('div', { id: 'not-ranked', class: 'not-ranked', 'data-testid': 'not-ranked' },
        h('p', { class: 'not-ranked-title' }, '本年度未参与排名', en('Not ranked this year')),
        h('p', { id: 'not-ranked-reason', class: 'not-ranked-reason', 'data-testid': 'not-ranked-reason' }, nr.reason || '原因未知'),
        nr.code ? h('p', { class: 'muted small' }, '原因代码：', h('code', null, nr.code)) : null,
        h('p', { class: 'muted small' }, `本年度共 ${r.ranked} 个平台参与排名。`)),
      statusLine);
  }

  const [lo, hi] = Array.isArray(r.rankInterval) ? r.rankInterval : [null, null];
  const caption = classCaption(r.class, scheme);
  const stable = lo !== null && lo === hi;
  return h('section', { id: 'summary', class: 'card summary', 'aria-labelledby': 'summary-title' },
    title,
    h('div', { class: 'summary-grid' },
      h('div', { class: 'stat stat-rank' },
        h('div', { class: 'stat-label' }, '名次 ', en('Rank')),
        h('div', { class: 'stat-value' },
          h('span', { class: 'rank-line' }, '第 ', h('strong', { id: 'rank', class: 'big', 'data-testid': 'rank' }, String(r.rank)), ' 名'),
          h('span', { class: 'rank-total' }, ' / 共 ', h('span', { id: 'ranked', 'data-testid': 'ranked' }, String(r.ranked)), ' 个'))),
      h('div', { class: 'stat stat-class' },
        h('div', { class: 'stat-label' }, '等级 ', en('Class')),
        h('div', { class: 'stat-value' },
          h('span', { id: 'class-badge', class: `class-badge class-${String(r.class).toLowerCase()}`, 'data-testid': 'class-badge',
            'aria-label': `${CLASS_NAMES[r.class] || r.class}` }, String(r.class))),
        caption ? h('div', { class: 'stat-sub' }, caption) : null),
      h('div', { class: 'stat stat-score' },
        h('div', { class: 'stat-label' }, '综合得分 ', en('Score')),
        h('div', { class: 'stat-value' }, h('span', { id: 'score', class: 'num', 'data-testid': 'score' }, fmtScore(r.score)))),
      h('div', { class: 'stat stat-interval' },
        h('div', { class: 'stat-interval-main' },
          h('div', { class: 'stat-label' }, '排名区间 ', en('Rank interval')),
          h('div', { class: 'stat-value' }, '第 ', h('span', { id: 'rank-interval', class: 'num', 'data-testid': 'rank-interval' }, `${lo}–${hi}`), ' 名')),
        h('p', { id: 'interval-note', class: 'interval-note' },
          `权重随机扰动 ${runs} 次，名次的 5%–95% 区间（中位名次 ${fmtRank(r.medianRank)}）。`,
          stable ? '每次扰动名次都不变，排名稳定。' : '区间内名次的差别并不显著，请勿过度解读单一名次。'))),
    statusLine);
}

function breakdownSection(r, scheme) {
  const groups = [];
  const byDim = new Map();
  for (const b of r.breakdown) {
    let g = byDim.get(b.dimension);
    if (!g) {
      g = { code: b.dimension, items: [] };
      byDim.set(b.dimension, g);
      groups.push(g);
    }
    g.items.push(b);
  }
  const contributions = r.breakdown.map((b) => (isNum(b.contribution) ? b.contribution : 0));
  const lo = Math.min(0, ...contributions);
  const hi = Math.max(0, ...contributions);
  const span = hi - lo || 1;
  const dims = new Map((scheme.dimensions || []).map((d) => [d.code, d]));
  const weightTotal = (scheme.dimensions || []).reduce((sum, d) => sum + (isNum(d.weight) ? d.weight : 0), 0);
  const anyImputed = r.breakdown.some((b) => b.imputed);
  const anyTreated = r.breakdown.some((b) => b.treated);

  const section = h('section', { id: 'breakdown', class: 'card', 'aria-labelledby': 'breakdown-title' },
    h('h2', { id: 'breakdown-title', class: 'card-title' }, '得分构成', en('Score breakdown')),
    h('p', { class: 'muted small' }, '各指标对综合得分的贡献 = 标准化得分 × 权重，各项贡献之和即综合得分。'),
    h('p', { class: 'legend small' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch swatch-bar', 'aria-hidden': 'true' }), '条长 = 贡献（分）'),
      anyImputed ? h('span', { class: 'legend-item' }, h('span', { class: 'marker marker-imputed' }, '插补'), '无本平台数据，按同类平台中位数计') : null,
      anyTreated ? h('span', { class: 'legend-item' }, h('span', { class: 'marker marker-treated' }, '异常值处理'), '原值超出合理范围，已缩尾') : null,
      !anyImputed && !anyTreated ? h('span', { class: 'legend-item' }, '各项均为本平台原始数据，无插补或异常值处理') : null));

  for (const g of groups) {
    const dim = dims.get(g.code);
    const list = h('ul', { class: 'bars', 'data-dimension': g.code });
    for (const b of g.items) list.append(barRow(b, lo, span));
    if (groups.length > 1) {
      const sum = g.items.reduce((acc, b) => acc + (isNum(b.contribution) ? b.contribution : 0), 0);
      const dimScore = r.dimensionScores && r.dimensionScores[g.code];
      const weightText = dim && isNum(dim.weight) && weightTotal > 0 ? ` · 权重 ${fixed((dim.weight / weightTotal) * 100, 0)}%` : '';
      section.append(h('div', { class: 'dim-group', 'data-testid': 'dimension-group', 'data-dimension': g.code },
        h('h3', { class: 'dim-title' },
          h('span', null, (dim && dim.name) || g.code),
          h('span', { class: 'dim-meta' }, `维度得分 ${fmtScore(dimScore)}${weightText} · 贡献 ${fmtScore(sum)} 分`)),
        list));
    } else {
      section.append(list);
    }
  }
  section.append(h('p', { class: 'bars-total' }, h('span', null, '合计 = 综合得分'), h('strong', { class: 'num' }, fmtScore(r.score))));
  return section;
}

function barRow(b, lo, span) {
  const ind = indicatorOf(b.indicator);
  const unit = ind.unit ? ` ${ind.unit}` : '';
  const c = isNum(b.contribution) ? b.contribution : 0;
  const fill = h('span', { class: 'bar-fill' + (b.imputed ? ' is-imputed' : '') + (b.treated ? ' is-treated' : '') + (c < 0 ? ' is-negative' : '') });
  fill.style.left = `${((Math.min(c, 0) - lo) / span) * 100}%`;
  fill.style.width = `${(Math.abs(c) / span) * 100}%`;

  const details = [];
  if (b.value === null || b.value === undefined) {
    details.push('本年度未纳入计算（无数据）');
  } else {
    details.push(h('span', { class: 'd-item' }, '数值 ', h('span', { class: 'bar-indicator-value' }, fmtValue(b.value)), unit));
    if (b.treated && isNum(b.rawValue)) details.push(h('span', { class: 'd-item' }, `原值 ${fmtValue(b.rawValue)}${unit}`));
    details.push(h('span', { class: 'd-item' }, '标准化 ', h('span', { class: 'bar-normalized' }, fmtScore(b.normalized))));
    details.push(h('span', { class: 'd-item', title: `方案中的权重 ${b.weight}` }, '权重 ', h('span', { class: 'bar-weight' }, fmtPercent(b.effectiveWeight))));
  }
  return h('li', { class: 'bar-row', 'data-indicator': b.indicator, 'data-testid': 'breakdown-bar' },
    h('div', { class: 'bar-head' },
      h('span', { class: 'bar-name', title: ind.nameEn || b.indicator },
        ind.name || b.indicator,
        b.imputed ? h('span', { class: 'marker marker-imputed', title: '无本平台数据，按同类平台中位数插补' }, '插补') : null,
        b.treated ? h('span', { class: 'marker marker-treated', title: '原值超出合理范围，已做异常值处理（缩尾）' }, '异常值处理') : null),
      h('span', { class: 'bar-value num', 'data-testid': 'contribution' }, fmtScore(b.contribution))),
    h('div', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
    h('div', { class: 'bar-detail small' }, details));
}

function gapSection(r, gapName) {
  const section = h('section', { id: 'gap', class: 'card', 'aria-labelledby': 'gap-title' },
    h('h2', { id: 'gap-title', class: 'card-title' }, '与上一名差距', en('Gap to the next place up')));
  const gap = r.gapToNext;
  if (!gap) {
    section.append(h('p', { id: 'gap-first', class: 'gap-first', 'data-testid': 'gap-first' },
      r.rank === 1 ? '已位列第一，没有需要追赶的上一名。' : '已是本组第一名，没有需要追赶的上一名。'));
    return section;
  }
  section.append(h('p', { id: 'gap-summary', class: 'gap-summary' },
    '上一名：',
    h('strong', { id: 'gap-platform-name' }, gapName || gap.platform),
    ' ', h('code', { id: 'gap-platform', 'data-testid': 'gap-platform' }, gap.platform),
    '，得分高出 ', h('strong', { id: 'gap-score', class: 'num', 'data-testid': 'gap-score' }, fmtScore(gap.scoreGap)), ' 分。'));
  section.append(h('p', { class: 'muted small' }, '其他指标不变时，单靠某一项指标达到下列数值即可追平上一名。'));

  const closing = gap.closingValues || {};
  const codes = r.breakdown.map((b) => b.indicator);
  for (const code of Object.keys(closing)) if (!codes.includes(code)) codes.push(code);
  const byCode = new Map(r.breakdown.map((b) => [b.indicator, b]));
  const rows = codes.map((code) => {
    const ind = indicatorOf(code);
    const b = byCode.get(code);
    const current = b ? (isNum(b.rawValue) ? b.rawValue : b.value) : null;
    const target = closing[code];
    let targetCell;
    if (isNum(target)) {
      let change = null;
      if (isNum(current) && current !== 0) {
        const pct = ((target - current) / Math.abs(current)) * 100;
        change = h('span', { class: 'change' }, `${pct >= 0 ? '+' : '−'}${fixed(Math.abs(pct), 1)}%`);
      }
      targetCell = h('td', { class: 'num' }, h('span', { class: 'closing-value' }, fmtValue(target)), change);
    } else {
      targetCell = h('td', { class: 'cannot' }, h('span', { class: 'closing-value' }, '单项无法追平'));
    }
    return h('tr', { 'data-indicator': code, 'data-testid': 'gap-row' },
      h('th', { scope: 'row' }, ind.name || code, ind.unit ? h('span', { class: 'unit' }, ind.unit) : null),
      h('td', { class: 'num current-value' }, fmtValue(current), b && b.imputed ? h('span', { class: 'marker marker-imputed' }, '插补') : null),
      targetCell);
  });
  section.append(h('div', { class: 'table-wrap' },
    h('table', { id: 'gap-table', class: 'data-table gap-table' },
      h('caption', { class: 'visually-hidden' }, '单项追平上一名所需的指标值'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, '指标'),
        h('th', { scope: 'col', class: 'num' }, '当前值'),
        h('th', { scope: 'col', class: 'num' }, '单项追平值'))),
      h('tbody', null, rows))));
  return section;
}

function historySection(r) {
  const history = Array.isArray(r.history) ? r.history : [];
  const section = h('section', { id: 'history', class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title', class: 'card-title' }, '历年排名', en('Rank history')));
  if (!history.length) {
    section.append(h('p', { class: 'muted' }, '暂无历年排名。'));
    return section;
  }
  section.append(h('div', { id: 'history-chart', class: 'chart', 'data-testid': 'history-chart' }));
  const rows = history.map((x) => h('tr', { 'data-year': x.year, 'data-testid': 'history-row', class: x.year === r.year ? 'is-current' : null },
    h('th', { scope: 'row', class: 'h-year' }, String(x.year)),
    h('td', { class: 'num h-rank' }, isNum(x.rank) ? String(x.rank) : '未排名'),
    h('td', { class: 'h-class' }, x.class ? h('span', { class: `class-badge small-badge class-${String(x.class).toLowerCase()}` }, x.class) : '—'),
    h('td', { class: 'num h-score' }, fmtScore(x.score)),
    h('td', { class: 'h-status' }, x.published ? '正式' : '未发布')));
  section.append(h('div', { class: 'table-wrap' },
    h('table', { id: 'history-table', class: 'data-table history-table' },
      h('caption', { class: 'visually-hidden' }, '历年排名明细：年度、名次、等级、得分'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, '年度'),
        h('th', { scope: 'col', class: 'num' }, '名次'),
        h('th', { scope: 'col' }, '等级'),
        h('th', { scope: 'col', class: 'num' }, '得分'),
        h('th', { scope: 'col' }, '状态'))),
      h('tbody', null, rows))));
  return section;
}

/** Draws the rank history as an SVG line (rank 1 on top) at the chart's current width. */
function drawHistory() {
  const box = $('history-chart');
  const r = state.ranking;
  if (!box || !r) return;
  const history = r.history || [];
  const width = Math.max(240, Math.floor(box.clientWidth || 320));
  const height = 190;
  const pad = { l: 34, r: 16, t: 24, b: 28 };
  const ranks = history.map((x) => x.rank).filter(isNum);
  const minRank = ranks.length ? Math.min(...ranks) : 1;
  const maxRank = ranks.length ? Math.max(...ranks) : 1;
  // The axis spans the ranks the platform had (rounded to whole steps), rank 1 on top when reached.
  const step = niceStep(Math.max(maxRank - minRank, 3) / 4);
  let yMin = Math.max(1, Math.floor(minRank / step) * step);
  if (yMin > 1 && minRank - yMin < step / 2) yMin = Math.max(1, yMin - step);
  let yMax = Math.ceil(maxRank / step) * step;
  if (yMax - yMin < 4 * step) yMax = yMin + 4 * step; // a move of one place must not look like a fall
  const ticks = [yMin];
  for (let t = Math.ceil((yMin + 1) / step) * step; t <= yMax; t += step) ticks.push(t);
  const n = history.length;
  const inset = 12; // keeps the first and last points clear of the axis labels
  const x = (i) => (n === 1 ? (pad.l + width - pad.r) / 2 : pad.l + inset + ((width - pad.l - pad.r - 2 * inset) * i) / (n - 1));
  const y = (rank) => pad.t + ((height - pad.t - pad.b) * (rank - yMin)) / (yMax - yMin);

  const label = history.map((p) => `${p.year} 年${isNum(p.rank) ? `第 ${p.rank} 名` : '未排名'}`).join('，');
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `历年名次走势：${label}`, class: 'history-svg' });
  svg.append(s('title', null, '历年名次走势（第 1 名在最上方）'));

  for (const t of ticks) {
    svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(s('text', { x: pad.l - 6, y: y(t) + 4, class: 'axis-label', 'text-anchor': 'end' }, String(t)));
  }
  svg.append(s('text', { x: 2, y: 12, class: 'axis-label' }, '名次'));

  const everyOther = n > 1 && (width - pad.l - pad.r - 2 * inset) / (n - 1) < 34;
  history.forEach((p, i) => {
    if (!everyOther || i % 2 === (n - 1) % 2) {
      svg.append(s('text', { x: x(i), y: height - 8, class: 'axis-label', 'text-anchor': 'middle' },
        everyOther ? `'${String(p.year).slice(-2)}` : String(p.year)));
    }
  });

  let segment = [];
  const flush = () => {
    if (segment.length > 1) svg.append(s('polyline', { points: segment.join(' '), class: 'line' }));
    segment = [];
  };
  history.forEach((p, i) => {
    if (isNum(p.rank)) segment.push(`${x(i)},${y(p.rank)}`);
    else flush();
  });
  flush();

  history.forEach((p, i) => {
    if (!isNum(p.rank)) {
      svg.append(s('text', { x: x(i), y: height - pad.b - 4, class: 'axis-label missing', 'text-anchor': 'middle' }, '×'));
      return;
    }
    const current = p.year === r.year;
    if (current) svg.append(s('circle', { cx: x(i), cy: y(p.rank), r: 8, class: 'current-ring' }));
    svg.append(s('circle', { cx: x(i), cy: y(p.rank), r: current ? 5 : 4, class: `dot dot-${String(p.class || 'x').toLowerCase()}` }));
    svg.append(s('text', { x: x(i), y: y(p.rank) - 9, class: 'point-label' + (current ? ' is-current' : ''), 'text-anchor': 'middle' }, String(p.rank)));
  });
  box.replaceChildren(svg);
}

function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
  return Math.max(1, 10 * mag);
}

// ---------------------------------------------------------------- start

function init() {
  $('token-form').addEventListener('submit', onSubmit);
  $('change-token').addEventListener('click', showTokenForm);
  $('forget-token').addEventListener('click', forgetToken);
  $('scheme-select').addEventListener('change', (e) => {
    if (!state.token) return;
    const year = state.ranking ? state.ranking.year : Number($('year-select').value) || null;
    loadRanking(e.target.value, year);
  });
  $('year-select').addEventListener('change', (e) => {
    if (!state.token) return;
    loadRanking($('scheme-select').value, Number(e.target.value) || null);
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawHistory, 120);
  });
  const saved = readStored();
  if (saved) {
    $('remember-token').checked = saved.remembered;
    openToken(saved.token, { remember: saved.remembered, fromStorage: true });
  }
}

init();
