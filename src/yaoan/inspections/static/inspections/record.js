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

  // only what was changed on this phone is sent, so two inspectors filling in parts of one
  // checklist on two phones do not overwrite each other's answers
  var dirty = {};

  function valueOf(name) {
    var radios = form.querySelectorAll("input[type=radio][name='" + name + "']");
    if (radios.length) {
      var checked = Array.prototype.find.call(radios, function (r) { return r.checked; });
      return checked ? checked.value : "";
    }
    var el = form.elements.namedItem(name);
    return el && "value" in el ? el.value : "";
  }

  function remember() {
    var fields = {};
    Object.keys(dirty).forEach(function (name) { fields[name] = valueOf(name); });
    try {
      if (Object.keys(fields).length) { localStorage.setItem(key, JSON.stringify({ fields: fields })); }
      else { localStorage.removeItem(key); }
    } catch (e) { /* storage off */ }
  }

  function markItems() {
    form.querySelectorAll(".checklist-item").forEach(function (box) {
      var checked = box.querySelector("input[type=radio]:checked");
      box.classList.toggle("non-compliant", !!checked && checked.value === "non_compliant");
    });
  }

  function save() {
    var names = Object.keys(dirty);
    if (!names.length) { return; }
    if (inFlight) { schedule(); return; }
    inFlight = true;
    show(status.dataset.msgSaving);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    names.forEach(function (name) { body.append(name, valueOf(name)); delete dirty[name]; });
    function failed(text) {
      names.forEach(function (name) { dirty[name] = true; });
      remember();
      show(text || status.dataset.msgOffline, "offline");
    }
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin",
                                   headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
      .then(function (res) {
        if (!res.ok) { failed(res.json.error); return; }
        remember();
        show(status.dataset.msgSaved + " " + res.json.saved_at);
      })
      .catch(function () { failed(); })
      .finally(function () { inFlight = false; });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  function changed(ev) {
    var name = ev.target.name;
    if (!name || name === "csrfmiddlewaretoken" || name === "co_code" || name === "co_inspector") { return; }
    dirty[name] = true;
    markItems();
    remember();
    schedule();
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.fields) { return; }
    Object.keys(saved.fields).forEach(function (name) {
      var value = saved.fields[name];
      var radios = form.querySelectorAll("input[type=radio][name='" + name + "']");
      if (radios.length) { radios.forEach(function (r) { r.checked = r.value === value; }); }
      else {
        var el = form.elements.namedItem(name);
        if (el && "value" in el) { el.value = value; }
      }
      dirty[name] = true;
    });
    markItems();
    show(status.dataset.msgRestored, "restored");
    save();
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (ev) { if (ev.target.tagName === "TEXTAREA") { changed(ev); } });
  window.addEventListener("online", save);

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
        ["lat", "lon", "acc"].forEach(function (name) { dirty[name] = true; });
        remember();
        schedule();
      }, function () { show(status.dataset.msgNolocation, "offline"); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  markItems();
  restore();
})();
