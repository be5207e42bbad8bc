// Declarative Auth key console. Talks only to this app's key management API with the admin key the operator
// types in; the key is kept in sessionStorage (this tab only), never in localStorage or cookies.
(() => {
  'use strict';

  const STORAGE = 'declarativeAuth.console.adminKey';
  const api = (document.querySelector('meta[name="dauth-management"]')?.content || '/auth/keys').replace(/\/+$/, '');
  const $ = (id) => document.getElementById(id);

  let adminKey = '';
  let keys = [];
  let catalog = null;

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // ---- HTTP ----

  async function call(method, path, body) {
    const headers = { Authorization: 'Bearer ' + adminKey, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(api + path, init);
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'The app could not be reached (' + (e && e.message ? e.message : 'network error') + ').');
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!response.ok) {
      const problem = data && typeof data === 'object' ? (data.error && typeof data.error === 'object' ? data.error : data) : {};
      const code = problem.code || String(response.status);
      const message = problem.detail || problem.message || problem.title || response.statusText || 'Request failed.';
      throw new ApiError(response.status, code, message);
    }
    return data;
  }

  function describeError(e) {
    if (!(e instanceof ApiError)) return 'Unexpected error: ' + (e && e.message ? e.message : String(e));
    if (e.status === 401) return 'The admin key was refused (401 ' + e.code + '): ' + e.message;
    if (e.status === 403) return 'This key may not manage keys (403 ' + e.code + '): ' + e.message;
    if (e.status === 0) return e.message;
    return e.message + ' (' + e.status + ' ' + e.code + ')';
  }

  function show(el, text) {
    el.textContent = text || '';
    el.hidden = !text;
  }

  // ---- formatting ----

  function formatDate(value) {
    if (!value) return null;
    const d = new Date(value);
    if (isNaN(d.getTime())) return String(value);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  }

  function timeCell(td, value, none) {
    const text = formatDate(value);
    if (!text) {
      td.textContent = none;
      td.classList.add('muted');
      return;
    }
    const t = document.createElement('time');
    t.dateTime = value;
    t.title = value;
    // Date and time may sit on two lines, each unbroken.
    const [day, clock] = text.split(' ');
    t.append(el('span', { class: 'nowrap', text: day }), document.createTextNode(' '), el('span', { class: 'nowrap', text: clock || '' }));
    td.appendChild(t);
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === 'text') node.textContent = v;
        else if (k === 'class') node.className = v;
        else if (k in node) node[k] = v;
        else node.setAttribute(k, v);
      }
    }
    for (const c of children || []) node.appendChild(c);
    return node;
  }

  function cell(label, props) {
    return el('td', Object.assign({ 'data-label': label }, props || {}));
  }

  // ---- connecting ----

  async function connect(key, moveFocus) {
    adminKey = key;
    show($('connect-error'), '');
    $('connect').disabled = true;
    try {
      const [cat, list] = await Promise.all([call('GET', '/catalog'), call('GET', '')]);
      catalog = cat;
      keys = Array.isArray(list) ? list : [];
      sessionStorage.setItem(STORAGE, key);
      $('admin-key').value = '';
      $('connect-form').hidden = true;
      $('connected').textContent = 'Connected with an admin key, kept for this tab only.';
      $('connected-box').hidden = false;
      $('keys-section').hidden = false;
      $('endpoints-section').hidden = false;
      $('audit-section').hidden = false;
      renderCatalog();
      renderKeys();
      reloadAudit();
      if (moveFocus) $('keys-title').focus();
      return true;
    } catch (e) {
      disconnect();
      show($('connect-error'), describeError(e));
      $('admin-key').focus();
      return false;
    } finally {
      $('connect').disabled = false;
    }
  }

  function disconnect() {
    adminKey = '';
    keys = [];
    catalog = null;
    sessionStorage.removeItem(STORAGE);
    $('connect-form').hidden = false;
    $('connected-box').hidden = true;
    $('connected').textContent = '';
    $('keys-section').hidden = true;
    $('endpoints-section').hidden = true;
    $('audit-section').hidden = true;
    $('audit-body').replaceChildren();
    $('keys-body').replaceChildren();
    $('endpoints-body').replaceChildren();
    $('env-badge').hidden = true;
    $('app-name').hidden = true;
  }

  async function reloadKeys() {
    show($('keys-error'), '');
    try {
      const list = await call('GET', '');
      keys = Array.isArray(list) ? list : [];
      renderKeys();
    } catch (e) {
      showKeysError(e);
    }
    reloadAudit();
  }

  function showKeysError(e) {
    show($('keys-error'), describeError(e));
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      const message = describeError(e);
      disconnect();
      show($('connect-error'), message);
    }
  }

  // ---- keys ----

  function matches(key, text, status) {
    if (status && key.status !== status) return false;
    if (!text) return true;
    const hay = [key.name, key.id, key.displayPart, key.workspace, key.owner, key.sourceConnection, key.environment, key.kind]
      .concat(key.permissions || []).filter(Boolean).join(' ').toLowerCase();
    return text.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
  }

  function renderKeys() {
    const text = $('filter-text').value.trim();
    const status = $('filter-status').value;
    const shown = keys
      .filter((k) => matches(k, text, status))
      .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    const body = $('keys-body');
    body.replaceChildren();
    for (const key of shown) body.appendChild(keyRow(key));
    $('keys-status').textContent = shown.length === keys.length
      ? keys.length + (keys.length === 1 ? ' key.' : ' keys.')
      : shown.length + ' of ' + keys.length + ' keys match.';
  }

  function keyLink(id) {
    return el('a', { href: '#key-' + id, text: id });
  }

  function keyRow(key) {
    const tr = el('tr', { 'data-key-id': key.id, id: 'key-' + key.id });
    const name = cell('Name');
    name.appendChild(el('strong', { text: key.name }));
    name.appendChild(el('div', { class: 'muted key-id', text: key.id }));
    // A rotated key and its successor link to each other (rotatedFromId names the key a rotation replaced).
    if (key.rotatedFromId) {
      name.appendChild(el('div', { class: 'muted lineage replaces' }, [document.createTextNode('replaces '), keyLink(key.rotatedFromId)]));
    }
    const successor = keys.find((k) => k.rotatedFromId === key.id);
    if (successor) {
      name.appendChild(el('div', { class: 'muted lineage replaced-by' }, [document.createTextNode('replaced by '), keyLink(successor.id)]));
    }
    if (catalog && key.id === catalog.connectedKeyId) name.appendChild(el('div', { class: 'muted connected-key', text: 'this page is connected with it' }));
    if (key.owner) name.appendChild(el('div', { class: 'muted key-owner', text: 'owner: ' + key.owner }));
    tr.appendChild(name);
    tr.appendChild(cell('Key', {}).appendChild(el('code', { text: key.displayPart })).parentNode);

    const perms = cell('Permissions');
    if (key.kind === 'EventWrite') {
      perms.appendChild(el('span', { class: 'perm', text: 'event write key' }));
      perms.appendChild(el('div', { class: 'muted', text: 'source: ' + (key.sourceConnection || '') }));
    }
    for (const p of key.permissions || []) perms.appendChild(el('code', { class: 'perm', text: p }));
    tr.appendChild(perms);

    tr.appendChild(cell('Workspace', { text: key.workspace || 'any', class: key.workspace ? '' : 'muted' }));
    tr.appendChild(cell('Environment', { text: String(key.environment || '').toLowerCase() }));
    const created = cell('Created'); timeCell(created, key.createdAt, '—'); tr.appendChild(created);
    const used = cell('Last used'); timeCell(used, key.lastUsedAt, 'never'); tr.appendChild(used);
    const expires = cell('Expires'); timeCell(expires, key.expiresAt, 'never'); tr.appendChild(expires);
    tr.appendChild(cell('Status').appendChild(el('span', { class: 'status status-' + key.status, text: key.status })).parentNode);

    const actions = cell('Actions', { class: 'no-label' });
    const box = el('div', { class: 'actions' });
    const activity = el('button', { type: 'button', class: 'small', text: 'Activity', 'aria-label': 'Activity of ' + key.name });
    activity.addEventListener('click', () => openActivity(key, activity));
    box.append(activity);
    if (key.status === 'active') {
      const rotate = el('button', { type: 'button', class: 'small', text: 'Rotate', 'aria-label': 'Rotate ' + key.name });
      rotate.addEventListener('click', () => confirmRotate(key, rotate));
      const revoke = el('button', { type: 'button', class: 'small', text: 'Revoke', 'aria-label': 'Revoke ' + key.name });
      revoke.addEventListener('click', () => confirmRevoke(key, revoke));
      box.append(rotate, revoke);
    }
    actions.appendChild(box);
    tr.appendChild(actions);
    return tr;
  }

  // ---- catalog ----

  function renderCatalog() {
    const badge = $('env-badge');
    // The whole prefix, without an ellipsis: a badge ending in '…' reads as text cut off.
    badge.textContent = catalog.environment + ' keys · prefix ' + catalog.keyPrefix;
    badge.hidden = false;
    const app = $('app-name');
    app.textContent = catalog.appName || '';
    app.hidden = !catalog.appName;
    document.title = 'API keys' + (catalog.appName ? ' · ' + catalog.appName : '') + ' · Declarative Auth';
    // Event write keys are offered only when an endpoint of this app accepts them.
    $('kind-fields').hidden = !catalog.acceptsEventWriteKeys;
    $('key-workspace-optional').textContent = catalog.workspaceRequired ? '(required)' : '(optional)';
    const defaults = catalog.defaultPermissions || [];
    $('perm-admin-hint').dataset.defaults = defaults.length ? 'None picked: ' + defaults.join(', ') + ' (this app\'s default).' : '';

    $('perm-admin-hint').textContent = [catalog.admin ? catalog.admin.description : '', $('perm-admin-hint').dataset.defaults || ''].filter(Boolean).join(' ');
    const scopes = $('scope-fields');
    scopes.replaceChildren();
    for (const scope of catalog.scopes || []) scopes.appendChild(scopeField(scope));

    const body = $('endpoints-body');
    body.replaceChildren();
    for (const e of catalog.endpoints || []) {
      const tr = el('tr');
      tr.appendChild(cell('Method').appendChild(el('code', { text: (e.methods || []).join(', ') })).parentNode);
      tr.appendChild(cell('Route').appendChild(el('code', { text: e.route })).parentNode);
      const req = cell('Requires');
      if (e.access === 'Key') {
        if ((e.permissions || []).length === 0) req.textContent = 'any valid key';
        for (const p of e.permissions || []) req.appendChild(el('code', { class: 'perm', text: p }));
      } else {
        const label = { Public: 'public (no key)', Authorize: '[Authorize] policy', OrganizationsKey: 'organizations key', Undeclared: 'undeclared: denied' }[e.access] || e.access;
        req.appendChild(el('span', { class: 'access-' + e.access, text: label }));
      }
      tr.appendChild(req);
      const handler = cell('Handler', { text: e.handler || '' });
      if (e.source) handler.appendChild(el('div', { class: 'muted', text: e.source }));
      tr.appendChild(handler);
      body.appendChild(tr);
    }
  }

  function scopeField(scope) {
    const id = 'scope-' + scope.scope.replace(/[^A-Za-z0-9_-]/g, '_');
    const byAction = {};
    for (const p of scope.permissions || []) byAction[p.name.slice(0, p.name.indexOf(':'))] = p;
    const read = byAction.read || { name: 'read:' + scope.scope, description: 'Read ' + scope.scope + '.' };
    const write = byAction.write || { name: 'write:' + scope.scope, description: 'Create and change ' + scope.scope + '; includes read.' };

    const box = el('div', { class: 'scope', 'data-scope': scope.scope });
    const label = el('label', { htmlFor: id }, [el('code', { text: scope.scope })]);
    box.appendChild(label);
    const controls = el('div', { class: 'controls' });
    const select = el('select', { id, 'data-scope': scope.scope, 'aria-describedby': id + '-desc' });
    select.append(
      el('option', { value: '', text: 'No access' }),
      el('option', { value: read.name, text: 'Read-only (' + read.name + ')' }),
      el('option', { value: write.name, text: 'Read-write (' + write.name + ')' }));
    controls.appendChild(select);
    if (byAction.delete) {
      const del = el('input', { type: 'checkbox', id: id + '-delete', value: byAction.delete.name, 'data-delete': 'true' });
      controls.appendChild(el('label', { class: 'choice', htmlFor: id + '-delete' }, [del, document.createTextNode(' delete')]));
    }
    box.appendChild(controls);
    const lines = [scope.description, read.description, write.description, byAction.delete ? byAction.delete.description : null].filter(Boolean);
    box.appendChild(el('p', { id: id + '-desc', class: 'hint desc', text: lines.join(' ') }));
    return box;
  }

  // ---- dialogs ----

  function openDialog(dialog, opener, focus) {
    dialog.dauthOpener = opener || document.activeElement;
    dialog.showModal();
    (focus || dialog.querySelector('input, select, button')).focus();
  }

  // What a dialog must forget when it is dismissed runs synchronously, before the dialog closes: the 'close'
  // event comes later (a queued task), and for that moment the dialog would be closed with its contents still in
  // the page.
  function dismissed(dialog) {
    if (dialog.dauthOnDismiss) dialog.dauthOnDismiss();
  }

  function closeDialog(dialog) {
    dismissed(dialog);
    if (dialog.open) dialog.close();
  }

  function restoreFocus(dialog) {
    const opener = dialog.dauthOpener;
    dialog.dauthOpener = null;
    if (opener && opener.isConnected && !opener.closest('[hidden]')) opener.focus();
    else if (!$('keys-section').hidden) $('keys-title').focus();
    else $('admin-key').focus();
  }

  for (const dialog of document.querySelectorAll('dialog')) {
    // Every way of dismissing a dialog runs dismissed() before it closes: its buttons (closeDialog), Escape
    // (keydown comes before the close request; Chromium may skip 'cancel' on a second Escape without a click),
    // 'cancel' (other close requests). The dialogs have no form method=dialog and ignore backdrop clicks.
    // 'close' is the backstop for anything else, and hands focus back.
    dialog.addEventListener('keydown', (event) => { if (event.key === 'Escape') dismissed(dialog); });
    dialog.addEventListener('cancel', () => dismissed(dialog));
    dialog.addEventListener('close', () => {
      dismissed(dialog);
      restoreFocus(dialog);
    });
    for (const b of dialog.querySelectorAll('[data-close]')) b.addEventListener('click', () => closeDialog(dialog));
  }

  // The secret leaves the page before its dialog closes, however it is dismissed.
  $('secret-dialog').dauthOnDismiss = () => {
    $('secret-value').textContent = '';
    $('secret-for').textContent = '';
    $('copy-status').textContent = '';
  };

  function showSecret(created, opener, verb) {
    $('secret-value').textContent = created.secret;
    $('secret-for').textContent = verb + ' "' + created.key.name + '" (' + created.key.id + ').';
    $('copy-status').textContent = '';
    openDialog($('secret-dialog'), opener, $('copy-secret'));
  }

  $('copy-secret').addEventListener('click', async () => {
    const secret = $('secret-value').textContent;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      $('copy-status').textContent = 'Copied to the clipboard.';
    } catch {
      const range = document.createRange();
      range.selectNodeContents($('secret-value'));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $('copy-status').textContent = 'The browser did not allow copying: the key is selected, press Ctrl+C (⌘C).';
    }
  });

  let confirmAction = null;
  function confirmDialog(title, text, okLabel, opener, action, warning) {
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    show($('confirm-warning'), warning || '');
    $('confirm-ok').textContent = okLabel;
    show($('confirm-error'), '');
    confirmAction = action;
    openDialog($('confirm-dialog'), opener, $('confirm-cancel'));
  }

  $('confirm-ok').addEventListener('click', async () => {
    const action = confirmAction;
    if (!action) return;
    $('confirm-ok').disabled = true;
    try {
      await action();
      confirmAction = null;
    } catch (e) {
      show($('confirm-error'), describeError(e));
    } finally {
      $('confirm-ok').disabled = false;
    }
  });
  $('confirm-dialog').addEventListener('close', () => { confirmAction = null; });

  function isConnectedKey(key) {
    return !!catalog && key.id === catalog.connectedKeyId;
  }

  function confirmRevoke(key, opener) {
    const own = isConnectedKey(key);
    confirmDialog('Revoke "' + key.name + '"?',
      'Requests with ' + key.displayPart + ' are refused from now on with KEY_REVOKED. This cannot be undone.',
      'Revoke key', opener, async () => {
        await call('POST', '/' + encodeURIComponent(key.id) + '/revoke');
        closeDialog($('confirm-dialog'));
        if (own) {
          disconnect();
          show($('connect-error'), 'You revoked "' + key.name + '", the key this page was connected with. Connect with another admin key.');
          $('admin-key').focus();
          return;
        }
        await reloadKeys();
        $('keys-status').textContent = 'Revoked "' + key.name + '".';
      },
      own ? 'This is the key this page is connected with: revoking it disconnects this page at once.' : '');
  }

  function confirmRotate(key, opener) {
    const own = isConnectedKey(key);
    confirmDialog('Rotate "' + key.name + '"?',
      'A new secret replaces ' + key.displayPart + ', which stops working at once. The new secret is shown once.',
      'Rotate key', opener, async () => {
        const rotated = await call('POST', '/' + encodeURIComponent(key.id) + '/rotate');
        if (own) {
          // The old secret stops working: this tab carries on with its successor.
          adminKey = rotated.secret;
          sessionStorage.setItem(STORAGE, adminKey);
          catalog.connectedKeyId = rotated.key.id;
        }
        // Hand focus back to the list, not to the old row's button, which the reload replaces.
        $('confirm-dialog').dauthOpener = $('keys-title');
        closeDialog($('confirm-dialog'));
        await reloadKeys();
        showSecret(rotated, $('keys-title'), 'Rotated');
      },
      own ? 'This is the key this page is connected with: the page switches to the new secret.' : '');
  }

  // ---- create ----

  function kind() {
    if ($('kind-fields').hidden) return 'Standard';
    return document.querySelector('input[name="kind"]:checked').value;
  }

  // The endpoints a key can be made for: each key endpoint of the catalog as the 'for' selector of POST (METHOD /route).
  // The server computes the permissions from them (KeyReach.MinimalPermissions); nothing is decided here.
  function renderForEndpoints() {
    const box = $('for-endpoints');
    box.replaceChildren();
    const seen = new Set();
    for (const e of (catalog && catalog.endpoints) || []) {
      if (e.access !== 'Key') continue;
      for (const method of (e.methods && e.methods.length ? e.methods : ['*'])) {
        const selector = method + ' ' + e.route;
        if (seen.has(selector)) continue;
        seen.add(selector);
        const id = 'for-' + seen.size;
        const input = el('input', { type: 'checkbox', id, value: selector, 'data-for': 'true' });
        const needs = (e.permissions || []).length ? ' needs ' + e.permissions.join(', ') : ' any valid key';
        box.appendChild(el('label', { class: 'choice', htmlFor: id }, [input, document.createTextNode(' '), el('code', { text: selector }), el('span', { class: 'muted', text: needs })]));
      }
    }
    $('for-fields').dataset.empty = seen.size === 0 ? 'true' : '';
  }

  function forSelectors() {
    if ($('for-fields').hidden) return [];
    return Array.from($('for-endpoints').querySelectorAll('input[data-for]')).filter(c => c.checked).map(c => c.value);
  }

  // Shown with the secret: every endpoint the new key reaches, as the server computes it (GET {id}/reach).
  async function showReach(created) {
    if (!created.key || created.key.kind === 'EventWrite') return;
    try {
      const reach = await call('GET', '/' + encodeURIComponent(created.key.id) + '/reach');
      const endpoints = reach.endpoints || [];
      $('secret-for').textContent += ' Permissions: ' + (reach.permissions || []).join(', ') + '. Reaches '
        + (endpoints.length === 1 ? '1 endpoint' : endpoints.length + ' endpoints') + (endpoints.length ? ': ' + endpoints.join('; ') + '.' : '.');
    } catch (e) {
      // The key exists; only the reach could not be read. Say so rather than show nothing.
      $('secret-for').textContent += ' (Its reach could not be read: ' + describeError(e) + ')';
    }
  }

  function syncCreateForm() {
    const eventWrite = kind() === 'EventWrite';
    $('permissions-fields').hidden = eventWrite;
    // Admin reaches everything already; event write keys hold no permissions.
    $('for-fields').hidden = eventWrite || $('perm-admin').checked || $('for-fields').dataset.empty === 'true';
    $('source-field').hidden = !eventWrite;
    const admin = $('perm-admin').checked;
    for (const c of $('scope-fields').querySelectorAll('select, input')) c.disabled = admin;
    $('expiry-date-field').hidden = $('key-expiry').value !== 'date';
  }

  function resetCreateForm() {
    $('create-form').reset();
    show($('create-error'), '');
    renderForEndpoints();
    syncCreateForm();
  }

  function expiresAt() {
    const choice = $('key-expiry').value;
    if (!choice) return null;
    if (choice === 'date') {
      const value = $('key-expiry-date').value;
      if (!value) throw new Error('Pick the expiry date.');
      const d = new Date(value + 'T23:59:59');
      if (isNaN(d.getTime()) || d <= new Date()) throw new Error('The expiry date must be in the future.');
      return d.toISOString();
    }
    return new Date(Date.now() + Number(choice) * 86400000).toISOString();
  }

  function requestBody() {
    const name = $('key-name').value.trim();
    if (!name) throw new Error('Give the key a name.');
    const body = { name, permissions: [], kind: kind(), expiresAt: expiresAt() };
    const workspace = $('key-workspace').value.trim();
    if (!workspace && catalog && catalog.workspaceRequired) throw new Error('Keys of this app are workspace-scoped: enter the workspace.');
    if (workspace) body.workspace = workspace;
    const owner = $('key-owner').value.trim();
    if (owner) body.owner = owner;
    if (body.kind === 'EventWrite') {
      body.sourceConnection = $('key-source').value.trim();
      if (!body.sourceConnection) throw new Error('An event write key needs its source connection.');
      return body;
    }
    if ($('perm-admin').checked) {
      body.permissions = ['admin'];
    } else {
      for (const s of $('scope-fields').querySelectorAll('select')) if (s.value) body.permissions.push(s.value);
      for (const c of $('scope-fields').querySelectorAll('input[data-delete]')) if (c.checked) body.permissions.push(c.value);
      const selectors = forSelectors();
      if (selectors.length) body.for = selectors;
    }
    // None picked: the app's default permissions, when it has some (the server applies them).
    if (body.permissions.length === 0 && !body.for && !(catalog && (catalog.defaultPermissions || []).length > 0)) throw new Error('Pick at least one permission or endpoint.');
    return body;
  }

  $('new-key').addEventListener('click', () => {
    resetCreateForm();
    openDialog($('create-dialog'), $('new-key'), $('key-name'));
  });
  for (const r of document.querySelectorAll('input[name="kind"]')) r.addEventListener('change', syncCreateForm);
  $('perm-admin').addEventListener('change', syncCreateForm);
  $('key-expiry').addEventListener('change', syncCreateForm);

  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    show($('create-error'), '');
    let body;
    try {
      body = requestBody();
    } catch (e) {
      show($('create-error'), e.message);
      return;
    }
    $('create-submit').disabled = true;
    try {
      const created = await call('POST', '', body);
      $('create-dialog').dauthOpener = $('new-key');
      closeDialog($('create-dialog'));
      await reloadKeys();
      showSecret(created, $('new-key'), 'Created');
      await showReach(created);
    } catch (e) {
      show($('create-error'), describeError(e));
    } finally {
      $('create-submit').disabled = false;
    }
  });

  // ---- activity: audit log and usage ----
  // Everything shown here comes from the server and may hold text an attacker chose (a key id in a refused call's
  // URL, a name): it is only ever set with textContent and SVG attributes, never parsed as markup.

  const SVG = 'http://www.w3.org/2000/svg';
  const BIN_MINUTES = 15;

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function auditRow(entry, withKey) {
    const tr = el('tr');
    const time = cell('Time'); timeCell(time, entry.at, '—'); tr.appendChild(time);
    tr.appendChild(cell('Actor', { text: entry.actor || '' }));
    tr.appendChild(cell('Action').appendChild(el('span', { class: 'audit-action audit-' + (entry.action === 'denied' ? 'denied' : 'change'), text: entry.action || '' })).parentNode);
    if (withKey) tr.appendChild(cell('Key', { class: 'key-id', text: entry.keyId || '—' }));
    tr.appendChild(cell('Change', { class: 'audit-change', text: entry.change || '' }));
    return tr;
  }

  async function reloadAudit() {
    if (!adminKey) return;
    show($('audit-error'), '');
    try {
      const entries = await call('GET', '/audit?limit=50');
      $('audit-body').replaceChildren(...(Array.isArray(entries) ? entries : []).map((e) => auditRow(e, true)));
    } catch (e) {
      show($('audit-error'), describeError(e));
    }
  }

  function refusedText(refusals) {
    return Object.entries(refusals || {}).sort((a, b) => b[1] - a[1]).map(([code, n]) => code + ' ' + n).join(', ');
  }

  // One bar per 15 minutes: accepted requests below, refused ones stacked above in the refusal colour.
  function drawUsage(view) {
    const from = new Date(view.from).getTime();
    const to = new Date(view.to).getTime();
    const binMs = BIN_MINUTES * 60000;
    const count = Math.max(1, Math.round((to - from) / binMs));
    const bins = Array.from({ length: count }, () => ({ requests: 0, refused: 0 }));
    for (const p of view.points || []) {
      const i = Math.floor((new Date(p.start).getTime() - from) / binMs);
      if (i < 0 || i >= count) continue;
      bins[i].requests += p.requests || 0;
      for (const n of Object.values(p.refusals || {})) bins[i].refused += n;
    }
    const max = Math.max(1, ...bins.map((b) => b.requests));
    const width = 600, height = 140, left = 40, bottom = 20, top = 8, barW = (width - left) / count;
    const plot = height - bottom - top;
    const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'usage-svg', 'aria-labelledby': 'usage-svg-title' });
    chart.appendChild(svg('title', { id: 'usage-svg-title' }, view.requests + ' requests in the last 24 hours, at most ' + max + ' in 15 minutes'));
    chart.appendChild(svg('line', { x1: left, y1: top + plot, x2: width, y2: top + plot, class: 'axis' }));
    chart.appendChild(svg('text', { x: left - 4, y: top + 8, class: 'axis-label', 'text-anchor': 'end' }, String(max)));
    chart.appendChild(svg('text', { x: left - 4, y: top + plot, class: 'axis-label', 'text-anchor': 'end' }, '0'));
    for (const [x, label, anchor] of [[left, '−24 h', 'start'], [left + (width - left) / 2, '−12 h', 'middle'], [width, 'now', 'end']]) {
      chart.appendChild(svg('text', { x, y: height - 4, class: 'axis-label', 'text-anchor': anchor }, label));
    }
    bins.forEach((b, i) => {
      if (b.requests === 0) return;
      const x = left + i * barW;
      const total = (b.requests / max) * plot;
      const refused = (b.refused / max) * plot;
      const start = new Date(from + i * binMs).toISOString().slice(11, 16);
      const g = svg('g', { class: 'bin' });
      g.appendChild(svg('title', {}, start + ' UTC: ' + b.requests + ' requests' + (b.refused ? ', ' + b.refused + ' refused' : '')));
      g.appendChild(svg('rect', { x: x + 0.5, y: top + plot - total, width: Math.max(1, barW - 1), height: total - refused, class: 'bar-ok' }));
      if (b.refused) g.appendChild(svg('rect', { x: x + 0.5, y: top + plot - refused, width: Math.max(1, barW - 1), height: refused, class: 'bar-refused' }));
      chart.appendChild(g);
    });
    $('usage-chart').replaceChildren(chart);
    const refused = refusedText(view.refusals);
    $('usage-summary').textContent = view.requests
      ? view.requests + ' requests in the last 24 hours' + (refused ? '; refused: ' + refused + '.' : ', none refused.')
      : 'No requests in the last 24 hours.';
  }

  async function openActivity(key, opener) {
    $('activity-title').textContent = 'Activity of "' + key.name + '"';
    $('usage-chart').replaceChildren();
    $('usage-summary').textContent = 'Loading…';
    $('key-audit-body').replaceChildren();
    show($('activity-error'), '');
    openDialog($('activity-dialog'), opener, $('activity-close'));
    const id = '/' + encodeURIComponent(key.id);
    try {
      const [usage, entries] = await Promise.all([call('GET', id + '/usage'), call('GET', id + '/audit?limit=100')]);
      drawUsage(usage);
      $('key-audit-body').replaceChildren(...(Array.isArray(entries) ? entries : []).map((e) => auditRow(e, false)));
    } catch (e) {
      $('usage-summary').textContent = '';
      show($('activity-error'), describeError(e));
    }
  }

  // ---- wiring ----

  $('connect-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('admin-key').value.trim();
    if (!key) {
      show($('connect-error'), 'Enter an admin key.');
      $('admin-key').focus();
      return;
    }
    connect(key, true);
  });
  $('forget').addEventListener('click', () => {
    disconnect();
    $('admin-key').focus();
  });
  $('audit-refresh').addEventListener('click', reloadAudit);
  $('filter-text').addEventListener('input', renderKeys);
  $('filter-status').addEventListener('change', renderKeys);

  // Legacy storage of an admin key elsewhere is never read; only this tab's sessionStorage.
  const saved = sessionStorage.getItem(STORAGE);
  if (saved) connect(saved, false);
})();
