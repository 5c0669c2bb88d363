// The checklist on a phone: every change is kept in this browser at once and saved to the
// server shortly after; with no connection the page says so and saves when it returns, and
// a page opened again restores what was typed but never reached the server.
(function () {
  "use strict";

  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { localStorage.removeItem("yaoan-inspection-" + el.dataset.clearDraft); } catch (e) { /* storage off */ }
  });

  var form = document.getElementById("record-form");
  if (!form) { return; }
  var status = document.querySelector(".sync-status");
  var key = form.dataset.draftKey;
  var timer = null;
  var inFlight = false;

  function show(text, cls) {
    status.textContent = text;
    status.className = "sync-status" + (cls ? " " + cls : "");
  }

  function fields() {
    var data = {};
    form.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "co_code") { return; }
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else { data[el.name] = el.value; }
    });
    return data;
  }

  function remember(pending) {
    try { localStorage.setItem(key, JSON.stringify({ fields: fields(), pending: pending })); } catch (e) { /* storage off */ }
  }

  function markItems() {
    form.querySelectorAll(".checklist-item").forEach(function (box) {
      var checked = box.querySelector("input[type=radio]:checked");
      box.classList.toggle("non-compliant", !!checked && checked.value === "non_compliant");
    });
  }

  function save() {
    if (inFlight) { schedule(); return; }
    inFlight = true;
    show(status.dataset.msgSaving);
    var body = new FormData(form);
    body.delete("submit");
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin",
                                   headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
      .then(function (res) {
        if (!res.ok) { show(res.json.error || status.dataset.msgOffline, "offline"); return; }
        remember(false);
        show(status.dataset.msgSaved + " " + res.json.saved_at);
      })
      .catch(function () { show(status.dataset.msgOffline, "offline"); })
      .finally(function () { inFlight = false; });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  function changed() {
    markItems();
    remember(true);
    schedule();
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.pending) { return; }
    Object.keys(saved.fields).forEach(function (name) {
      var value = saved.fields[name];
      var radios = form.querySelectorAll("input[type=radio][name='" + name + "']");
      if (radios.length) { radios.forEach(function (r) { r.checked = r.value === value; }); return; }
      var el = form.elements.namedItem(name);
      if (el && "value" in el) { el.value = value; }
    });
    markItems();
    show(status.dataset.msgRestored, "restored");
    save();
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (ev) { if (ev.target.tagName === "TEXTAREA") { changed(); } });
  window.addEventListener("online", function () { remember(true); save(); });
  document.querySelectorAll("form[data-sync-first]").forEach(function (other) {
    other.addEventListener("submit", function () { remember(true); });
  });

  var locate = form.querySelector("[data-action=locate]");
  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { show(status.dataset.msgNolocation, "offline"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.namedItem("lat").value = pos.coords.latitude.toFixed(6);
        form.elements.namedItem("lon").value = pos.coords.longitude.toFixed(6);
        form.elements.namedItem("acc").value = Math.round(pos.coords.accuracy);
        document.querySelector("[data-testid=location]").textContent =
          status.dataset.msgLocated + " " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
        changed();
      }, function () { show(status.dataset.msgNolocation, "offline"); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  markItems();
  restore();
})();
