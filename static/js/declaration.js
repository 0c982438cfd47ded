/* The declaration page: autosave on every change, a copy in this browser so nothing typed is
   lost (expired login, dropped network, closed tab), repeating rows, live pre-check. */
(function () {
  "use strict";
  const form = document.getElementById("declaration");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const key = form.dataset.storageKey;
  const state = document.getElementById("save-state");
  const banner = document.getElementById("offline-banner");
  let revision = parseInt(form.dataset.revision, 10);
  let timer = null;
  let inFlight = false;
  let pending = false;

  function entries() {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("action");
    return Array.from(data.entries()).filter(([, v]) => typeof v === "string");
  }

  function keepLocal() {
    try {
      localStorage.setItem(key, JSON.stringify({ base: revision, saved: false, at: Date.now(), entries: entries() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function markSynced() {
    try {
      const copy = JSON.parse(localStorage.getItem(key) || "null");
      if (copy) { copy.saved = true; copy.base = revision; localStorage.setItem(key, JSON.stringify(copy)); }
    } catch (e) { /* ignore */ }
  }

  function show(text, cls) {
    state.textContent = text;
    state.className = cls || "text-muted";
  }

  function showBanner(html) {
    if (!html) { banner.classList.add("d-none"); banner.innerHTML = ""; return; }
    banner.innerHTML = html;
    banner.classList.remove("d-none");
  }

  function showErrors(errors) {
    form.querySelectorAll(".decl-error").forEach((el) => { el.textContent = ""; });
    document.querySelectorAll("#checks .decl-error").forEach((el) => { el.textContent = ""; });
    form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const slot = document.getElementById("err-" + name);
      if (slot) slot.textContent = messages.join(" ");
      const input = form.querySelector('[name="' + name + '"]');
      if (input) input.classList.add("is-invalid");
    });
  }

  async function save() {
    if (inFlight) { pending = true; return; }
    inFlight = true;
    show("正在保存…");
    const body = new FormData(form);
    body.delete("action");
    try {
      const response = await fetch(url, { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" } });
      if (response.status === 401 || response.status === 403 || response.redirected) {
        show("未保存到服务器", "text-danger");
        showBanner('登录已过期。您填写的内容已暂存在本机浏览器中，<a class="alert-link" href="' +
          form.dataset.loginUrl + '">重新登录</a>后回到本页，内容会自动恢复。');
        return;
      }
      const result = await response.json();
      if (!result.ok) { show(result.error || "保存失败", "text-danger"); return; }
      revision = result.revision;
      markSynced();
      showBanner("");
      show("已自动保存 " + result.saved_at, "text-success");
      showErrors(result.errors);
      const checks = document.getElementById("checks");
      if (checks && !checks.contains(document.activeElement)) checks.innerHTML = result.checks_html;
    } catch (e) {
      show("未保存到服务器", "text-danger");
      showBanner("网络连接中断。您填写的内容已暂存在本机浏览器中，网络恢复后会自动保存。");
    } finally {
      inFlight = false;
      if (pending) { pending = false; schedule(); }
    }
  }

  function schedule() {
    keepLocal();
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  function renumber(container) {
    container.querySelectorAll(".decl-row").forEach((row, i) => {
      const n = row.querySelector(".decl-row-number");
      if (n) n.textContent = i + 1;
    });
  }

  function addRow(prefix) {
    const container = form.querySelector('.decl-rows[data-prefix="' + prefix + '"]');
    const template = form.querySelector('template.decl-row-template[data-prefix="' + prefix + '"]');
    const total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    renumber(container);
    return container.lastElementChild;
  }

  function counters() {
    form.querySelectorAll(".decl-count").forEach((slot) => {
      const input = document.getElementById(slot.dataset.for);
      if (!input) return;
      const max = input.dataset.maxLength;
      const target = input.dataset.targetLength;
      const n = input.value.length;
      slot.textContent = "已输入 " + n + " 字" + (target ? "（约 " + target + " 字）" : "") + (max ? " / 上限 " + max : "");
      slot.classList.toggle("text-danger", !!max && n > parseInt(max, 10));
    });
  }

  function restore() {
    let copy = null;
    try { copy = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    if (!copy || copy.saved || copy.base !== revision) return;
    // Rows first, so every restored input exists.
    copy.entries.forEach(([name, value]) => {
      const m = name.match(/^(.+)-TOTAL_FORMS$/);
      if (!m) return;
      const total = form.querySelector('input[name="' + name + '"]');
      while (total && parseInt(total.value, 10) < parseInt(value, 10)) addRow(m[1]);
    });
    const multi = {};
    copy.entries.forEach(([name, value]) => {
      const inputs = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      if (!inputs.length) return;
      const first = inputs[0];
      if (first.type === "checkbox") {
        multi[name] = multi[name] || [];
        multi[name].push(value);
      } else if (!/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) {
        first.value = value;
      }
    });
    Object.entries(multi).forEach(([name, values]) => {
      form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach((box) => {
        box.checked = values.includes(box.value);
      });
    });
    showBanner("已恢复您上次尚未保存到服务器的内容，正在保存…");
    save();
  }

  form.addEventListener("input", () => { counters(); schedule(); });
  form.addEventListener("change", schedule);
  document.getElementById("checks").addEventListener("input", schedule);
  form.addEventListener("click", (event) => {
    const button = event.target.closest(".decl-add-row");
    if (!button) return;
    const container = form.querySelector('.decl-rows[data-prefix="' + button.dataset.prefix + '"]');
    if (button.dataset.max && container.children.length >= parseInt(button.dataset.max, 10)) {
      document.getElementById("err-" + button.dataset.prefix).textContent = "最多填写 " + button.dataset.max + " 行";
      return;
    }
    const row = addRow(button.dataset.prefix);
    const input = row.querySelector("input, select, textarea");
    if (input) input.focus();
    schedule();
  });
  form.addEventListener("submit", () => { keepLocal(); });
  window.addEventListener("online", () => save());
  window.addEventListener("beforeunload", () => { if (timer || inFlight) keepLocal(); });
  counters();
  restore();
})();
