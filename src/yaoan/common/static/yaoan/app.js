// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.classList.contains("autosubmit")) {
    el.form.submit();
  } else if (el instanceof HTMLSelectElement && el.form && "submitOnSelect" in el.form.dataset) {
    // a filter chosen from a list applies at once; typed text waits for Enter or 查询
    el.form.requestSubmit();
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
