/* The proof-of-work of the public forms (ALTCHA's v1 scheme, solved here with the browser's
   own SHA-256; no third-party script). A form with data-pow-url fetches a challenge from
   the app, finds the number whose SHA-256 with the salt gives it, and puts the solution in
   its hidden "altcha" field; the submit button waits for it. A solution older than the
   page's data-pow-refresh seconds is solved afresh before the form is sent. */
(function () {
  "use strict";
  var BATCH = 1000;
  var encoder = new TextEncoder();

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
    return out;
  }

  function digest(text) {
    return crypto.subtle.digest("SHA-256", encoder.encode(text)).then(hex);
  }

  async function solve(challenge) {
    for (var start = 0; start <= challenge.maxNumber; start += BATCH) {
      var tries = [];
      for (var n = start; n < start + BATCH && n <= challenge.maxNumber; n++) {
        tries.push(digest(challenge.salt + n));
      }
      var hashes = await Promise.all(tries);
      var found = hashes.indexOf(challenge.challenge);
      if (found >= 0) return start + found;
    }
    throw new Error("no solution");
  }

  async function solution(url) {
    var response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error("challenge " + response.status);
    var challenge = await response.json();
    var number = await solve(challenge);
    return btoa(JSON.stringify({
      algorithm: challenge.algorithm, challenge: challenge.challenge, number: number,
      salt: challenge.salt, signature: challenge.signature
    }));
  }

  function guard(form) {
    var field = form.querySelector("input[name=altcha]");
    var status = form.querySelector("[data-pow-status]");
    var buttons = form.querySelectorAll("button[type=submit]");
    var refreshMs = (parseInt(form.dataset.powRefresh, 10) || 600) * 1000;
    var solvedAt = 0, pending = null, sending = false;
    // the page came back from the browser's cache (back button): it may be sent again
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { sending = false; run(); }
    });

    function show(state) {
      if (status) status.textContent = status.dataset[state] || "";
      if (status) status.dataset.state = state;
      buttons.forEach(function (b) { b.disabled = state === "working"; });
    }

    function run() {
      show("working");
      pending = solution(form.dataset.powUrl).then(function (value) {
        field.value = value; solvedAt = Date.now(); show("done");
      }, function () {
        field.value = ""; show("failed");
      }).finally(function () { pending = null; });
      return pending;
    }

    // a second tap while the first is on its way would spend the solution twice and the
    // person would see the refusal instead of the receipt: the buttons wait once sent
    function sent() {
      sending = true;
      setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
    }

    form.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }
      var fresh = field.value && Date.now() - solvedAt < refreshMs;
      if (fresh && !pending) { sent(); return; }
      event.preventDefault();
      (pending || run()).then(function () {
        if (field.value) { sent(); form.submit(); }
      });
    });
    run();
  }

  document.querySelectorAll("form[data-pow-url]").forEach(guard);
})();
