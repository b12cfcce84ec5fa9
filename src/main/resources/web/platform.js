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
const RULE_NAMES = {
  target_progress: '序时进度',
  yoy_change: '同比',
  peer_outlier: '横向偏离',
  suspect_unit: '疑似单位错误',
  ytd_decrease: '累计值回落',
  missing_submission: '未按时报送',
  rank_drop: '排名下滑',
  below_benchmark: '低于基准值',
};
const SEVERITIES = {
  critical: { zh: '严重', order: 0 },
  warning: { zh: '警告', order: 1 },
  info: { zh: '提示', order: 2 },
};
const ALERT_STATES = { open: '待处理', acknowledged: '已确认', resolved: '已解除' };
/** The wording of each flag a breakdown item may carry (DOMAIN 5.1): said plainly, never hidden. */
const FLAG_TEXT = {
  held: { label: '暂不采用', text: '数据疑点预警未解决，本次排名按缺失处理' },
  imputed: { label: '插补', text: '缺失或暂不采用，按同类平台中位数补齐' },
  capped: { label: '封顶', text: '超过基准值的 2 倍按上限计分' },
  treated: { label: '已做异常值处理', text: '原值超出合理范围，已按缩尾处理后计分' },
  outlier: { label: '横向偏离', text: '有未解决的横向偏离预警，数值未作处理' },
};
const FLAG_ORDER = ['held', 'imputed', 'capped', 'treated', 'outlier'];
/** Open warnings listed at once (the rest behind a summary), and asked for at most. */
const ALERTS_SHOWN = 8;
const ALERTS_LIMIT = 200;
/** How many past quarters the own-values table shows. */
const VALUE_QUARTERS = 8;
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
  /** Bumped whenever the token's desk (warnings, values, quarterly standing) is thrown away. */
  deskGen: 0,
  quarterGen: 0,
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

async function api(path, token, options) {
  const method = (options && options.method) || 'GET';
  const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
  let payload;
  if (options && options.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(options.json);
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: payload,
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
  $('closed-notice').hidden = true;
  $('closed-notice').textContent = '';
  clearDesk();
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
    loadDesk();
    loadQuarterly(defaultScheme());
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
  const closed = closedSentence(p);
  $('closed-notice').textContent = closed || '';
  $('closed-notice').hidden = !closed;
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
        h('p', { id: 'not-ranked-reason', class: 'not-ranked-reason', 'data-testid': 'not-ranked-reason' }, notRankedSentence(nr, r.year)),
        h('p', { class: 'muted small' }, `本年度共 ${r.ranked} 个平台参与排名。`)),
      qualityNotes(r, 'summary'),
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
    qualityNotes(r, 'summary'),
    statusLine);
}

// ---------------------------------------------------------------- honest wording: closure, not ranked, data quality

/** "2024-06-30" → "2024年6月30日". */
function fmtDateZh(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : String(iso || '');
}

function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** One Chinese sentence for a platform closed (撤并) before today, else null. */
function closedSentence(p) {
  if (!p || !p.activeTo || p.activeTo >= todayIso()) return null;
  return `本平台已于 ${fmtDateZh(p.activeTo)} 撤并，不再参加排名。`;
}

/** The Chinese half of a bilingual server text "中文 / English". */
function zhPart(text) {
  if (!text) return '';
  const i = String(text).indexOf(' / ');
  return (i >= 0 ? String(text).slice(0, i) : String(text)).trim();
}

/** Why the platform is not ranked in a year, in one Chinese sentence: never a raw code, never mixed languages. */
function notRankedSentence(nr, year) {
  const p = state.me && state.me.platform;
  const closedBy = p && p.activeTo && isNum(year) && p.activeTo < `${year}-12-31`;
  if (closedBy && (nr.code === 'closed' || nr.code === 'not_in_population' || !nr.code)) {
    return `本平台已于 ${fmtDateZh(p.activeTo)} 撤并，不再参加排名。`;
  }
  switch (nr.code) {
    case 'insufficient_coverage': {
      const zh = zhPart(nr.reason);
      return zh ? `数据不足，未参加排名：${zh}。` : '数据不足（指标覆盖率低于方案要求），未参加排名。';
    }
    case 'not_in_population':
      return p && p.activeFrom && isNum(year) && p.activeFrom > `${year}-01-01`
        ? `本平台于 ${fmtDateZh(p.activeFrom)} 设立，未列入 ${year} 年度排名范围。`
        : '本平台未列入该年度排名范围。';
    case 'closed':
      return '本平台在期末前已撤并，不参加该期排名。';
    default: {
      const zh = zhPart(nr.reason);
      return zh ? `未参加排名：${zh}。` : '未参加排名，原因未说明。';
    }
  }
}

function indicatorName(code) {
  const ind = indicatorOf(code);
  return ind.name || code;
}

/** "2025Q2" → "2025年第2季度". */
function periodZh(period) {
  const m = /^(\d{4})Q([1-4])$/.exec(String(period || ''));
  return m ? `${m[1]}年第${m[2]}季度` : String(period || '');
}

/** Banners for an incomplete run and a published override, and the platform's held values explained. */
function qualityNotes(r, prefix) {
  const out = [];
  if (r.incomplete) {
    out.push(h('p', { id: `${prefix}-incomplete`, class: 'notice notice-warn', 'data-testid': 'incomplete-banner' },
      `本次排名数据不完整：报送率 ${fmtPercent(r.reportingShare)}，部分平台数据未报送，名次仅供参考。`));
  }
  if (r.override && r.override.reason) {
    out.push(h('p', { id: `${prefix}-override`, class: 'notice notice-warn', 'data-testid': 'override-banner' },
      `发布时越过数据质量检查，理由：${r.override.reason}`));
  }
  const held = Array.isArray(r.heldValues) ? r.heldValues : [];
  if (held.length) {
    out.push(h('div', { id: `${prefix}-held`, class: 'held-values', 'data-testid': 'held-values' },
      h('p', { class: 'held-title' }, `本平台有 ${held.length} 项数据暂不采用：`),
      h('ul', null, held.map((x) => h('li', { 'data-alert-id': x.alertId, 'data-indicator': x.indicator, 'data-testid': 'held-value' },
        `${indicatorName(x.indicator)}（${periodZh(x.period)}）：${RULE_NAMES[x.rule] || '数据疑点'}预警 #${x.alertId} 未解决，`
          + '本次排名按缺失处理，按同类平台中位数补齐'
          + (Array.isArray(x.affects) && x.affects.length ? `；影响 ${x.affects.map(indicatorName).join('、')}` : '')
          + '。处理预警后重新计算即采用本平台数据。')))));
  }
  return out;
}

/** The flags of one breakdown item, in a fixed order. */
function flagsOf(b) {
  return FLAG_ORDER.filter((f) => b[f] === true);
}

/** The sentence for a flag on one item (with the warning it cites and the scheme's cap). */
function flagSentence(flag, b, cap) {
  switch (flag) {
    case 'held': return `${FLAG_TEXT.held.text}${isNum(b.heldBy) ? `（预警 #${b.heldBy}）` : ''}`;
    case 'capped': return `超过基准值的 ${isNum(cap) ? fixed(cap, cap % 1 ? 1 : 0) : 2} 倍按上限计分`;
    case 'outlier': return `${FLAG_TEXT.outlier.text}${isNum(b.outlierAlert) ? `（预警 #${b.outlierAlert}）` : ''}`;
    default: return FLAG_TEXT[flag].text;
  }
}

function capOf(scheme, indicator) {
  for (const d of scheme.dimensions || []) {
    for (const m of d.indicators || []) if (m.indicator === indicator && isNum(m.cap)) return m.cap;
  }
  return null;
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
  const present = FLAG_ORDER.filter((f) => r.breakdown.some((b) => b[f] === true));
  const caps = [...new Set(r.breakdown.filter((b) => b.capped).map((b) => capOf(scheme, b.indicator)))];

  const section = h('section', { id: 'breakdown', class: 'card', 'aria-labelledby': 'breakdown-title' },
    h('h2', { id: 'breakdown-title', class: 'card-title' }, '得分构成', en('Score breakdown')),
    h('p', { class: 'muted small' }, '各指标对综合得分的贡献 = 标准化得分 × 权重，各项贡献之和即综合得分。'),
    h('p', { class: 'legend small' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch swatch-bar', 'aria-hidden': 'true' }), '条长 = 贡献（分）'),
      present.map((f) => h('span', { class: 'legend-item', 'data-flag': f, 'data-testid': 'flag-legend' },
        h('span', { class: `marker marker-${f}` }, FLAG_TEXT[f].label),
        f === 'capped' && caps.length === 1 ? flagSentence(f, {}, caps[0]) : FLAG_TEXT[f].text)),
      !present.length ? h('span', { class: 'legend-item', 'data-testid': 'no-flags' },
        '本平台各项均按报送数据计分：无插补、无暂不采用、无封顶、无异常值处理。') : null));

  for (const g of groups) {
    const dim = dims.get(g.code);
    const list = h('ul', { class: 'bars', 'data-dimension': g.code });
    for (const b of g.items) list.append(barRow(b, lo, span, capOf(scheme, b.indicator)));
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

function barRow(b, lo, span, cap) {
  const ind = indicatorOf(b.indicator);
  const unit = ind.unit ? ` ${ind.unit}` : '';
  const c = isNum(b.contribution) ? b.contribution : 0;
  const fill = h('span', { class: 'bar-fill' + (b.imputed ? ' is-imputed' : '') + (b.treated ? ' is-treated' : '') + (c < 0 ? ' is-negative' : '') });
  fill.style.left = `${((Math.min(c, 0) - lo) / span) * 100}%`;
  fill.style.width = `${(Math.abs(c) / span) * 100}%`;

  const flags = flagsOf(b);
  const details = [];
  if (b.value === null || b.value === undefined) {
    details.push('本年度未纳入计算（无数据）');
  } else {
    details.push(h('span', { class: 'd-item' }, b.imputed ? '补齐值 ' : '数值 ', h('span', { class: 'bar-indicator-value' }, fmtValue(b.value)), unit));
    if (b.treated && isNum(b.rawValue)) details.push(h('span', { class: 'd-item' }, `原值 ${fmtValue(b.rawValue)}${unit}`));
    details.push(h('span', { class: 'd-item' }, '标准化 ', h('span', { class: 'bar-normalized' }, fmtScore(b.normalized))));
    details.push(h('span', { class: 'd-item', title: `方案中的权重 ${b.weight}` }, '权重 ', h('span', { class: 'bar-weight' }, fmtPercent(b.effectiveWeight))));
  }
  return h('li', { class: 'bar-row', 'data-indicator': b.indicator, 'data-testid': 'breakdown-bar' },
    h('div', { class: 'bar-head' },
      h('span', { class: 'bar-name', title: ind.nameEn || b.indicator },
        ind.name || b.indicator,
        flags.map((f) => h('span', { class: `marker marker-${f}`, 'data-flag': f, title: flagSentence(f, b, cap) }, FLAG_TEXT[f].label))),
      h('span', { class: 'bar-value num', 'data-testid': 'contribution' }, fmtScore(b.contribution))),
    h('div', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
    h('div', { class: 'bar-detail small' }, details),
    flags.length ? h('ul', { class: 'flag-notes small' },
      flags.map((f) => h('li', { 'data-flag': f, 'data-testid': 'flag-note' }, `${FLAG_TEXT[f].label}：${flagSentence(f, b, cap)}。`))) : null);
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
      h('td', { class: 'num current-value' }, fmtValue(current), b ? flagsOf(b).map((f) => h('span', { class: `marker marker-${f}` }, FLAG_TEXT[f].label)) : null),
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
    h('td', { class: 'num h-ranked' }, isNum(x.ranked) ? String(x.ranked) : '—'),
    h('td', { class: 'h-class' }, x.class ? h('span', { class: `class-badge small-badge class-${String(x.class).toLowerCase()}` }, x.class) : '—'),
    h('td', { class: 'num h-score' }, fmtScore(x.score)),
    h('td', { class: 'h-status' }, x.published ? '正式' : '未发布')));
  section.append(h('div', { class: 'table-wrap' },
    h('table', { id: 'history-table', class: 'data-table history-table' },
      h('caption', { class: 'visually-hidden' }, '历年排名明细：年度、名次、参评平台数、等级、得分'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, '年度'),
        h('th', { scope: 'col', class: 'num' }, '名次'),
        h('th', { scope: 'col', class: 'num' }, '参评数'),
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
  // The rank axis runs from 1 (top) to the number of platforms ranked (the largest of the years shown):
  // where the platform stands among all, not a zoom on its own ranks.
  const counts = history.map((x) => x.ranked).filter((v) => isNum(v) && v > 0);
  const ranks = history.map((x) => x.rank).filter(isNum);
  const yMin = 1;
  const yMax = Math.max(2, ...counts, ...ranks);
  const step = niceStep((yMax - 1) / 4);
  const ticks = [1];
  for (let t = step; t < yMax; t += step) if (t - 1 >= step / 3 && yMax - t >= step / 3) ticks.push(t);
  ticks.push(yMax);
  const n = history.length;
  const inset = 12; // keeps the first and last points clear of the axis labels
  const x = (i) => (n === 1 ? (pad.l + width - pad.r) / 2 : pad.l + inset + ((width - pad.l - pad.r - 2 * inset) * i) / (n - 1));
  const y = (rank) => pad.t + ((height - pad.t - pad.b) * (rank - yMin)) / (yMax - yMin);

  const label = history.map((p) => `${p.year} 年${isNum(p.rank) ? `第 ${p.rank} 名${isNum(p.ranked) ? `（共 ${p.ranked} 个）` : ''}` : '未排名'}`).join('，');
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `历年名次走势：${label}`,
    class: 'history-svg', 'data-rank-min': yMin, 'data-rank-max': yMax });
  svg.append(s('title', null, `历年名次走势（纵轴第 1 名至第 ${yMax} 名，第 1 名在最上方）`));

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

// ---------------------------------------------------------------- the desk: quarterly standing, warnings, own values

function clearDesk() {
  state.deskGen++;
  state.quarterGen++;
  for (const id of ['quarterly', 'alerts', 'progress', 'values']) {
    const el = $(id);
    el.replaceChildren();
    el.hidden = true;
    el.dataset.state = 'empty';
  }
  $('desk').hidden = true;
}

function sectionTitle(id, zh, enText, extra) {
  return h('h2', { id: `${id}-title`, class: 'card-title' }, zh, enText ? en(enText) : null, extra || null);
}

function sectionLoading(el, id, zh, enText) {
  el.replaceChildren(sectionTitle(id, zh, enText), h('p', { class: 'muted small' }, '正在加载…'));
  el.dataset.state = 'loading';
  el.hidden = false;
  $('desk').hidden = false;
}

function sectionError(el, id, zh, enText, err) {
  el.replaceChildren(sectionTitle(id, zh, enText),
    h('p', { class: 'notice notice-error small', 'data-testid': `${id}-error` }, err.zh || String(err.message || err)));
  el.dataset.state = 'error';
}

function asPageError(e) {
  return e instanceof PageError ? e : new PageError(-1, '页面出错：' + String(e && e.message || e), '');
}

/** Loads what does not depend on the scheme: warnings and the platform's own values and targets. */
function loadDesk() {
  loadAlerts();
  loadValues();
}

// ---- 季度监测 (provisional quarterly standing)

async function loadQuarterly(scheme) {
  const my = ++state.quarterGen;
  const el = $('quarterly');
  const token = state.token;
  sectionLoading(el, 'quarterly', '季度监测', 'Quarterly monitoring');
  try {
    const r = await api('/api/v1/me/ranking?scheme=' + encodeURIComponent(scheme) + '&quarter=latest', token);
    if (my !== state.quarterGen) return;
    renderQuarterly(el, r);
  } catch (e) {
    if (my !== state.quarterGen) return;
    const err = asPageError(e);
    if (err.status === 404) {
      el.replaceChildren(sectionTitle('quarterly', '季度监测', 'Quarterly monitoring'),
        h('p', { class: 'muted', 'data-testid': 'quarterly-none' }, '本方案暂无季度监测排名。'));
      el.dataset.state = 'none';
    } else {
      sectionError(el, 'quarterly', '季度监测', 'Quarterly monitoring', err);
    }
  }
}

/** "上升 3 位" / "下降 2 位" / "持平" for a change in places (positive = moved up). */
function moveText(change) {
  if (!isNum(change)) return null;
  if (change > 0) return `上升 ${change} 位`;
  if (change < 0) return `下降 ${-change} 位`;
  return '名次持平';
}

function periodOfRun(p) {
  return p && isNum(p.quarter) ? `${p.year}年第${p.quarter}季度` : `${p.year} 年度`;
}

function renderQuarterly(el, r) {
  const scheme = schemeOf(r.scheme);
  const when = `${r.year}年第${r.quarter}季度`;
  const children = [
    sectionTitle('quarterly', `季度监测 · ${when}`, 'Quarterly monitoring'),
    h('p', { class: 'provisional-label', 'data-testid': 'quarterly-label' }, '临时排名（季度监测，非正式结果）'),
    h('p', { class: 'muted small' }, `按截至${r.year}年${r.quarter * 3}月的累计数据计算，只用于季度监测；正式结果以年度综合排名为准。`,
      '数据截至 ', h('time', { datetime: r.dataAsOf }, fmtDateTime(r.dataAsOf)), '。'),
  ];
  if (!isNum(r.rank)) {
    children.push(h('div', { class: 'not-ranked', 'data-testid': 'quarterly-not-ranked' },
      h('p', { class: 'not-ranked-title' }, '本期未参与临时排名'),
      h('p', { class: 'not-ranked-reason' }, notRankedSentence(r.notRanked || {}, r.year))));
  } else {
    const moves = [];
    if (r.previousPeriod) {
      const pp = r.previousPeriod;
      moves.push(h('li', { 'data-testid': 'quarterly-previous' },
        `较上期（${periodOfRun(pp)}${isNum(pp.rank) ? ` 第 ${pp.rank} 名` : ' 未排名'}）：`,
        h('strong', null, moveText(r.changeFromPreviousPeriod) || '无法比较')));
    }
    if (r.samePeriodLastYear) {
      const ly = r.samePeriodLastYear;
      moves.push(h('li', { 'data-testid': 'quarterly-last-year' },
        `较上年同期（${periodOfRun(ly)}${isNum(ly.rank) ? ` 第 ${ly.rank} 名` : ' 未排名'}）：`,
        h('strong', null, moveText(r.rankChange) || '无法比较')));
    }
    children.push(h('div', { class: 'summary-grid quarterly-grid' },
      h('div', { class: 'stat stat-rank' },
        h('div', { class: 'stat-label' }, '临时名次'),
        h('div', { class: 'stat-value' },
          h('span', { class: 'rank-line' }, '第 ', h('strong', { id: 'quarterly-rank', class: 'big', 'data-testid': 'quarterly-rank' }, String(r.rank)), ' 名'),
          h('span', { class: 'rank-total' }, ` / 共 ${r.ranked} 个`))),
      h('div', { class: 'stat' },
        h('div', { class: 'stat-label' }, '等级'),
        h('div', { class: 'stat-value' }, h('span', { class: `class-badge class-${String(r.class).toLowerCase()}` }, String(r.class)))),
      h('div', { class: 'stat' },
        h('div', { class: 'stat-label' }, '得分'),
        h('div', { class: 'stat-value' }, h('span', { id: 'quarterly-score', class: 'num' }, fmtScore(r.score))))));
    if (moves.length) children.push(h('ul', { class: 'moves' }, moves));
  }
  children.push(qualityNotes(r, 'quarterly'));
  const flagged = (r.breakdown || []).filter((b) => flagsOf(b).length);
  if (flagged.length) {
    children.push(h('ul', { class: 'flag-list', 'data-testid': 'quarterly-flags' }, flagged.map((b) => {
      const cap = capOf(scheme, b.indicator);
      return h('li', { 'data-indicator': b.indicator },
        h('strong', null, indicatorName(b.indicator)),
        flagsOf(b).map((f) => h('span', { class: `marker marker-${f}`, 'data-flag': f }, FLAG_TEXT[f].label)),
        h('span', { class: 'small' }, '：' + flagsOf(b).map((f) => flagSentence(f, b, cap)).join('；') + '。'));
    })));
  } else if (isNum(r.rank)) {
    children.push(h('p', { class: 'muted small', 'data-testid': 'quarterly-no-flags' },
      '本期各项均按报送数据计分：无插补、无暂不采用、无封顶、无异常值处理。'));
  }
  el.replaceChildren(...children.flat(Infinity).filter(Boolean));
  el.dataset.state = isNum(r.rank) ? 'ready' : 'not-ranked';
  el.dataset.period = `${r.year}Q${r.quarter}`;
  el.dataset.scheme = r.scheme;
}

// ---- 预警 (warnings)

async function loadAlerts() {
  const my = state.deskGen;
  const el = $('alerts');
  const token = state.token;
  sectionLoading(el, 'alerts', '数据预警', 'Warnings');
  try {
    const [open, acked, resolved] = await Promise.all([
      api(`/api/v1/me/alerts?state=open&limit=${ALERTS_LIMIT}`, token),
      api('/api/v1/me/alerts?state=acknowledged&limit=20', token),
      api('/api/v1/me/alerts?state=resolved&limit=10', token),
    ]);
    if (my !== state.deskGen) return;
    renderAlerts(el, open.alerts || [], [...(acked.alerts || []), ...(resolved.alerts || [])]);
  } catch (e) {
    if (my !== state.deskGen) return;
    sectionError(el, 'alerts', '数据预警', 'Warnings', asPageError(e));
  }
}

function bySeverity(a, b) {
  const sa = (SEVERITIES[a.severity] || SEVERITIES.info).order;
  const sb = (SEVERITIES[b.severity] || SEVERITIES.info).order;
  if (sa !== sb) return sa - sb;
  return String(b.period).localeCompare(String(a.period)) || b.id - a.id;
}

function renderAlerts(el, open, recent) {
  open.sort(bySeverity);
  recent.sort((a, b) => String(b.acknowledgedAt || b.resolvedAt || '').localeCompare(String(a.acknowledgedAt || a.resolvedAt || '')));
  const important = open.filter((a) => a.severity !== 'info');
  const hints = open.filter((a) => a.severity === 'info');
  const children = [
    sectionTitle('alerts', '数据预警', 'Warnings',
      h('span', { class: 'count-pill', 'data-testid': 'alerts-open-count' }, `待处理 ${open.length >= ALERTS_LIMIT ? `${ALERTS_LIMIT}+` : open.length} 条`)),
    h('p', { class: 'muted small' }, '预警由报送数据自动生成。核实后请点“确认”，可附说明（如数据已核实、原因）；需要更正数据请重新报送。'),
  ];
  if (!open.length) children.push(h('p', { class: 'gap-first', 'data-testid': 'alerts-none' }, '目前没有待处理的预警。'));
  if (important.length) {
    children.push(h('ul', { class: 'alert-list', 'data-testid': 'alerts-open' }, important.slice(0, ALERTS_SHOWN).map(alertItem)));
    if (important.length > ALERTS_SHOWN) {
      const rest = important.length - ALERTS_SHOWN;
      children.push(h('details', { class: 'alert-hints', 'data-testid': 'alerts-more' },
        h('summary', null, `其余 ${rest} 条待处理预警`),
        h('ul', { class: 'alert-list' }, important.slice(ALERTS_SHOWN).map(alertItem))));
    }
  }
  if (open.length >= ALERTS_LIMIT) {
    children.push(h('p', { class: 'muted small', 'data-testid': 'alerts-truncated' },
      `仅列出 ${ALERTS_LIMIT} 条待处理预警；全部预警请在统计局工作台或 Grafana 中查看。`));
  }
  if (hints.length) {
    children.push(h('details', { class: 'alert-hints' },
      h('summary', null, `提示类 ${hints.length} 条（低于基准值等）`),
      h('ul', { class: 'alert-list' }, hints.map(alertItem))));
  }
  if (recent.length) {
    children.push(h('h3', { class: 'dim-title' }, '最近已确认或已解除'),
      h('ul', { class: 'alert-list alert-recent', 'data-testid': 'alerts-recent' }, recent.map(alertItem)));
  }
  el.replaceChildren(...children);
  el.dataset.state = 'ready';
}

function alertItem(a) {
  const sev = SEVERITIES[a.severity] || SEVERITIES.info;
  const li = h('li', { class: `alert-item sev-${a.severity} state-${a.state}`, 'data-alert-id': a.id, 'data-state': a.state,
    'data-rule': a.rule, 'data-testid': 'alert' });
  const head = h('div', { class: 'alert-head' },
    h('span', { class: `sev-badge sev-badge-${a.severity}` }, sev.zh),
    h('span', { class: 'alert-rule' }, RULE_NAMES[a.rule] || '其他预警'),
    h('span', { class: 'muted small' }, periodZh(a.period)),
    h('span', { class: 'muted small alert-id' }, `#${a.id}`),
    a.state !== 'open' ? h('span', { class: 'alert-state small' }, ALERT_STATES[a.state] || '') : null);
  li.append(head, h('p', { class: 'alert-message' }, (a.message && a.message.zh) || ''));
  if (a.state === 'acknowledged') {
    li.append(h('p', { class: 'alert-ack small', 'data-testid': 'alert-ack-note' },
      `已于 ${fmtDateTime(a.acknowledgedAt)} 由 ${a.acknowledgedBy || '—'} 确认`,
      a.acknowledgedComment ? `：${a.acknowledgedComment}` : '。'));
  } else if (a.state === 'resolved') {
    li.append(h('p', { class: 'alert-ack small' }, `已于 ${fmtDateTime(a.resolvedAt)} 解除。`));
  } else {
    li.append(ackForm(a));
  }
  return li;
}

function ackForm(a) {
  const id = `ack-comment-${a.id}`;
  const area = h('textarea', { id, class: 'ack-comment', maxlength: 500, rows: 2, placeholder: '说明（可不填，最多 500 字）',
    'data-testid': 'ack-comment' });
  const button = h('button', { type: 'submit', class: 'btn btn-small btn-primary ack-button', 'data-testid': 'ack-button' }, '确认');
  const note = h('p', { class: 'ack-error small', role: 'alert', hidden: true });
  const form = h('form', { class: 'ack-form', novalidate: true },
    h('label', { for: id, class: 'visually-hidden' }, `预警 #${a.id} 的确认说明`), area,
    h('div', { class: 'ack-row' }, button), note);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const comment = area.value.trim();
    if (comment.length > 500) {
      note.textContent = '说明最多 500 个字符。';
      note.hidden = false;
      return;
    }
    button.disabled = true;
    note.hidden = true;
    const my = state.deskGen;
    try {
      const updated = await api(`/api/v1/alerts/${encodeURIComponent(a.id)}/ack`, state.token,
        { method: 'POST', json: comment ? { comment } : {} });
      if (my !== state.deskGen) return;
      const li = form.closest('li');
      li.replaceWith(alertItem(updated));
      const pill = document.querySelector('[data-testid=alerts-open-count]');
      if (pill) pill.textContent = `待处理 ${document.querySelectorAll('#alerts li[data-state=open]').length} 条`;
    } catch (e) {
      if (my !== state.deskGen) return;
      const err = asPageError(e);
      note.textContent = `确认失败：${err.zh}`;
      note.hidden = false;
      button.disabled = false;
    }
  });
  return form;
}

// ---- own values (last eight quarters) and 序时进度 against the annual targets

function quarterOf(date) {
  return { year: date.getFullYear(), quarter: Math.floor(date.getMonth() / 3) + 1 };
}

function shiftQuarter(p, n) {
  const t = p.year * 4 + (p.quarter - 1) + n;
  return { year: Math.floor(t / 4), quarter: (t % 4) + 1 };
}

function periodText(p) {
  return `${p.year}Q${p.quarter}`;
}

/** The scheme indicators (all schemes) and the base year-to-date flows, in catalog order. */
function valueIndicators() {
  const wanted = new Set();
  for (const sc of state.schemes) for (const d of sc.dimensions || []) for (const m of d.indicators || []) wanted.add(m.indicator);
  for (const ind of state.indicators.values()) if (ind.kind === 'ytd_flow') wanted.add(ind.code);
  const known = [...state.indicators.keys()];
  return known.length ? known.filter((c) => wanted.has(c)) : [...wanted];
}

async function loadValues() {
  const my = state.deskGen;
  const token = state.token;
  const code = state.me.platform.code;
  const progressEl = $('progress');
  const valuesEl = $('values');
  sectionLoading(progressEl, 'progress', '序时进度', 'Progress against annual targets');
  sectionLoading(valuesEl, 'values', '本平台近八个季度数据', 'Own values, last eight quarters');
  const to = quarterOf(new Date());
  const from = shiftQuarter(to, -(VALUE_QUARTERS + 3));
  const codes = valueIndicators();
  const query = [`from=${periodText(from)}`, `to=${periodText(to)}`, ...codes.map((c) => `indicator=${encodeURIComponent(c)}`)].join('&');
  const base = '/api/v1/platforms/' + encodeURIComponent(code);
  const [progress, values] = await Promise.allSettled([
    api(`${base}/progress`, token),
    api(`${base}/observations?${query}`, token),
  ]);
  if (my !== state.deskGen) return;
  if (progress.status === 'fulfilled') renderProgress(progressEl, progress.value);
  else sectionError(progressEl, 'progress', '序时进度', 'Progress against annual targets', asPageError(progress.reason));
  if (values.status === 'fulfilled') renderValues(valuesEl, values.value, codes);
  else sectionError(valuesEl, 'values', '本平台近八个季度数据', 'Own values, last eight quarters', asPageError(values.reason));
}

function lagText(lag, better) {
  if (!isNum(lag)) return '';
  const pts = fixed(Math.abs(lag), 1);
  if (better === 'lower') return lag > 0 ? `超出序时 ${pts} 点` : `低于序时 ${pts} 点`;
  return lag > 0 ? `落后序时 ${pts} 点` : lag < 0 ? `领先序时 ${pts} 点` : '与序时持平';
}

function renderProgress(el, body) {
  const inds = Array.isArray(body.indicators) ? body.indicators : [];
  const title = sectionTitle('progress', isNum(body.year) ? `序时进度 · ${body.year} 年` : '序时进度', 'Progress against annual targets');
  if (!inds.length) {
    el.replaceChildren(title, h('p', { class: 'muted', 'data-testid': 'progress-none' }, '尚未下达年度目标。'));
    el.dataset.state = 'none';
    return;
  }
  const first = inds[0];
  const rows = inds.map((x) => {
    const ind = indicatorOf(x.indicator);
    const byQuarter = new Map((x.quarters || []).map((q) => [q.quarter, q]));
    const cells = [1, 2, 3, 4].map((q) => {
      const v = byQuarter.get(q);
      if (!v || !isNum(v.progressPct)) return h('td', { class: 'num muted', 'data-quarter': q }, '—');
      const level = v.severity === 'critical' ? 'critical' : v.severity === 'warning' ? 'warning' : 'ok';
      return h('td', { class: `num lag lag-${level}`, 'data-quarter': q, 'data-severity': v.severity || 'none', 'data-lag': fixed(v.lag, 1),
        title: `完成 ${fixed(v.progressPct, 1)}%，序时应达 ${fixed(v.expectedPct, 0)}%` },
        h('span', { class: 'lag-progress' }, `${fixed(v.progressPct, 1)}%`),
        h('span', { class: 'lag-text' }, lagText(v.lag, x.better)));
    });
    return h('tr', { 'data-indicator': x.indicator, 'data-testid': 'progress-row' },
      h('th', { scope: 'row' }, ind.name || x.indicator, h('span', { class: 'unit' }, `目标 ${fmtValue(x.target)} ${x.unit || ind.unit || ''}`)),
      cells);
  });
  el.replaceChildren(title,
    h('p', { class: 'muted small' },
      `累计完成占年度目标的比例与序时进度（第 1–4 季度应达 25%、50%、75%、100%）之差；`,
      `落后超过 ${fixed(first.warning, 0)} 个百分点标黄，超过 ${fixed(first.critical, 0)} 个百分点标红（能耗等越低越好的指标，超出序时为落后）。`),
    h('div', { class: 'table-wrap' },
      h('table', { id: 'progress-table', class: 'data-table progress-table' },
        h('caption', { class: 'visually-hidden' }, '各季度累计完成年度目标的比例与序时进度'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '指标'),
          [1, 2, 3, 4].map((q) => h('th', { scope: 'col', class: 'num' }, `1–${q * 3}月`)))),
        h('tbody', null, rows))));
  el.dataset.state = 'ready';
  el.dataset.year = String(body.year);
}

function renderValues(el, body, codes) {
  const list = Array.isArray(body.observations) ? body.observations : [];
  const byCode = new Map();
  const periods = new Set();
  for (const o of list) {
    if (!byCode.has(o.indicator)) byCode.set(o.indicator, new Map());
    byCode.get(o.indicator).set(o.period, o.value);
    periods.add(o.period);
  }
  const shown = [...periods].sort().slice(-VALUE_QUARTERS);
  const title = sectionTitle('values', '本平台近八个季度数据', 'Own values, last eight quarters');
  if (!shown.length) {
    el.replaceChildren(title, h('p', { class: 'muted', 'data-testid': 'values-none' }, '近期没有报送数据。'));
    el.dataset.state = 'none';
    return;
  }
  const rows = codes.filter((c) => byCode.has(c)).map((c) => {
    const ind = indicatorOf(c);
    const series = shown.map((p) => byCode.get(c).get(p));
    const latest = [...series].reverse().find(isNum);
    return h('tr', { 'data-indicator': c, 'data-testid': 'values-row' },
      h('th', { scope: 'row' }, ind.name || c, h('span', { class: 'unit' }, (ind.kind === 'ytd_flow' ? '年内累计 · ' : '') + (ind.unit || ''))),
      h('td', { class: 'spark-cell' }, sparkline(series, `${ind.name || c}近八个季度走势`)),
      h('td', { class: 'num latest-value' }, fmtValue(latest)),
      series.map((v, i) => h('td', { class: 'num q-value', 'data-period': shown[i] }, isNum(v) ? fmtValue(v) : '—')));
  });
  el.replaceChildren(title,
    h('p', { class: 'muted small' }, `${periodZh(shown[0])}至${periodZh(shown[shown.length - 1])}，方案指标与基础累计指标；“年内累计”指标每年第一季度重新累计。左右滑动查看各季度数值。`),
    h('div', { class: 'table-wrap values-wrap' },
      h('table', { id: 'values-table', class: 'data-table values-table' },
        h('caption', { class: 'visually-hidden' }, '本平台近八个季度的指标数值'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '指标'), h('th', { scope: 'col' }, '走势'),
          h('th', { scope: 'col', class: 'num' }, '最新'),
          shown.map((p) => h('th', { scope: 'col', class: 'num q-head' }, p.replace('Q', ' Q'))))),
        h('tbody', null, rows))));
  el.dataset.state = 'ready';
  el.dataset.periods = shown.join(',');
}

/** A small line of up to eight values (gaps left open); no axis, the table beside it has the numbers. */
function sparkline(values, label) {
  const w = 84;
  const hgt = 24;
  const nums = values.filter(isNum);
  const svg = s('svg', { width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, class: 'spark', role: 'img', 'aria-label': label });
  if (!nums.length) return svg;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const x = (i) => (values.length === 1 ? w / 2 : 3 + ((w - 6) * i) / (values.length - 1));
  const y = (v) => (hi === lo ? hgt / 2 : hgt - 3 - ((hgt - 6) * (v - lo)) / (hi - lo));
  let seg = [];
  const flush = () => {
    if (seg.length > 1) svg.append(s('polyline', { points: seg.join(' '), class: 'spark-line' }));
    seg = [];
  };
  values.forEach((v, i) => {
    if (isNum(v)) seg.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    else flush();
  });
  flush();
  const last = values.length - 1 - [...values].reverse().findIndex(isNum);
  svg.append(s('circle', { cx: x(last).toFixed(1), cy: y(values[last]).toFixed(1), r: 2.5, class: 'spark-dot' }));
  return svg;
}

// ---------------------------------------------------------------- start

function init() {
  $('token-form').addEventListener('submit', onSubmit);
  $('change-token').addEventListener('click', showTokenForm);
  $('forget-token').addEventListener('click', forgetToken);
  $('scheme-select').addEventListener('change', (e) => {
    if (!state.token) return;
    const year = state.ranking ? state.ranking.year : Number($('year-select').value) || null;
    loadQuarterly(e.target.value);
    loadRanking(e.target.value, year);
  });
  $('print-page').addEventListener('click', () => window.print());
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
