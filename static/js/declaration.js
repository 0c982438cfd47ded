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
      if (checks && typeof result.checks_html === "string" && !checks.contains(document.activeElement)) { checks.innerHTML = result.checks_html; counters(); }
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

  // Characters as the server counts them: code points, a line break once.
  function length(text) { return Array.from(text.replace(/\r\n/g, "\n")).length; }

  function counters() {
    document.querySelectorAll(".decl-count").forEach((slot) => {
      const input = document.getElementById(slot.dataset.for);
      if (!input) return;
      const max = parseInt(input.dataset.maxLength || "0", 10);
      const target = input.dataset.targetLength;
      const n = length(input.value);
      const over = max && n > max;
      let text = "已输入 " + n + " 字" + (target ? "（约 " + target + " 字）" : "") + (max ? " / 上限 " + max + " 字" : "");
      if (over) text += "，超出 " + (n - max) + " 字：内容已全部保留，请删减后再提交";
      slot.textContent = text;
      slot.classList.toggle("text-danger", !!over);
      slot.classList.toggle("fw-semibold", !!over);
      input.classList.toggle("is-invalid", !!over);
      input.setAttribute("aria-invalid", over ? "true" : "false");
    });
  }

  // After a refused submission: the first problem, in the order of the page, gets the focus.
  function goToFirstProblem() {
    const first = document.querySelector("#submit-problems [data-input]");
    if (!first) return;
    const name = first.dataset.input;
    const target = name === "checks" ? document.getElementById("checks")
      : (document.querySelector('[name="' + CSS.escape(name) + '"]') ||
         document.getElementById("err-" + name) || document.getElementById(name));
    if (!target) return;
    const place = target.closest(".decl-field, .decl-row, section, li, .card") || target;
    place.scrollIntoView({ block: "center" });
    if (typeof target.focus === "function") target.focus({ preventScroll: true });
  }

  document.querySelectorAll("#submit-problems [data-input]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const name = link.dataset.input;
      const target = document.querySelector('[name="' + CSS.escape(name) + '"]') ||
        document.getElementById("err-" + name) || document.getElementById("checks");
      (target.closest(".decl-field, .decl-row, section, li, .card") || target).scrollIntoView({ block: "center" });
      if (typeof target.focus === "function") target.focus({ preventScroll: true });
    });
  });

  // A file over the limit is named with its own size before it is sent.
  const file = document.getElementById("id_file");
  if (file) {
    file.addEventListener("change", () => {
      const slot = document.getElementById("upload-error");
      const chosen = file.files && file.files[0];
      const max = parseInt(file.dataset.maxBytes || "0", 10);
      if (chosen && max && chosen.size > max) {
        slot.textContent = "“" + chosen.name + "”：文件大小为" + (chosen.size / 1048576).toFixed(1) +
          "MB，超过了" + file.dataset.maxMb + "MB的上限，请压缩或分页后上传。";
        file.classList.add("is-invalid");
        file.setCustomValidity(slot.textContent);
      } else {
        slot.textContent = "";
        file.classList.remove("is-invalid");
        file.setCustomValidity("");
      }
    });
    document.getElementById("upload-form").addEventListener("submit", (event) => {
      if (file.validationMessage) { event.preventDefault(); file.focus(); }
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
  document.getElementById("checks").addEventListener("input", () => { counters(); schedule(); });
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
  goToFirstProblem();
})();
